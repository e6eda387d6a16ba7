import { numClasses, size, type Dataset } from '../../data/dataset';
import type { InputUse, UnlearnInputs } from '../contract';

function checkDataset(method: string, role: string, ds: Dataset | undefined, inputs: UnlearnInputs): void {
  const { original } = inputs;
  if (ds == null) throw new Error(`${method}: the ${role} set is missing. Pass inputs.${role} (a Dataset).`);
  if (size(ds) === 0) throw new Error(`${method}: the ${role} set is empty. Pass at least one sample as inputs.${role}.`);
  const [h, w, c] = original.spec.inputShape;
  if (ds.shape[0] !== h || ds.shape[1] !== w || ds.shape[2] !== c) {
    throw new Error(
      `${method}: the ${role} set has images of shape [${ds.shape.join(', ')}] but the model expects [${h}, ${w}, ${c}]. ` +
        'Use the dataset the model was trained on.',
    );
  }
  if (numClasses(ds) !== original.numClasses) {
    throw new Error(`${method}: the ${role} set has ${numClasses(ds)} classes but the model has ${original.numClasses}.`);
  }
}

/**
 * Checks what every method relies on: a model, a seed, a non-empty forget set, and each set the method
 * uses (retain, test pool; the reference set when one is given), all with the model's image shape and classes.
 */
export function checkInputs(method: string, inputs: UnlearnInputs, uses: InputUse): void {
  if (inputs == null || inputs.original == null) throw new Error(`${method}: inputs.original (the trained model) is missing.`);
  if (typeof inputs.seed !== 'number' && typeof inputs.seed !== 'string') {
    throw new Error(`${method}: inputs.seed must be a number or a string, got ${JSON.stringify(inputs.seed)}.`);
  }
  checkDataset(method, 'forget', inputs.forget, inputs);
  if (uses.retain) checkDataset(method, 'retain', inputs.retain, inputs);
  if (uses.testPool) checkDataset(method, 'testPool', inputs.testPool, inputs);
  if (uses.reference && inputs.reference != null) checkDataset(method, 'reference', inputs.reference, inputs);
}

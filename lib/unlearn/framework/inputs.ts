import { numClasses, size, type Dataset } from '../../data/dataset';
import { nonFiniteParameter } from '../../train/finite';
import type { InputUse, UnlearnInputs } from '../contract';
import { shownValue } from './config';

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
 * Each forget sample once, and none of them in the retain set: a forgotten sample that is also trained on
 * is not forgotten. Ids are compared when both sets come from the same dataset (condensed sets are renamed).
 */
function checkForgetIds(method: string, forget: Dataset, retain: Dataset | undefined): void {
  const seen = new Set<number>();
  for (const id of forget.ids) {
    if (seen.has(id)) throw new Error(`${method}: the forget set lists sample id ${id} more than once. Pass each forget sample once.`);
    seen.add(id);
  }
  if (retain == null || retain.name !== forget.name) return;
  const both = retain.ids.find((id) => seen.has(id));
  if (both !== undefined) {
    throw new Error(`${method}: sample id ${both} of ${forget.name} is in both the forget set and the retain set. Remove the forget samples from the retain set.`);
  }
}

/**
 * Checks what every method relies on: a model with finite weights, a seed, a non-empty forget set, and each set the method
 * uses (retain, test pool; the reference set when one is given), all with the model's image shape and classes.
 */
export async function checkInputs(method: string, inputs: UnlearnInputs, uses: InputUse): Promise<void> {
  if (inputs == null || inputs.original == null) throw new Error(`${method}: inputs.original (the trained model) is missing.`);
  if (typeof inputs.seed !== 'number' && typeof inputs.seed !== 'string') {
    throw new Error(`${method}: inputs.seed must be a number or a string, got ${shownValue(inputs.seed)}.`);
  }
  const bad = await nonFiniteParameter(inputs.original.parameters());
  if (bad != null) {
    throw new Error(
      `${method}: the original model '${inputs.original.name}' has NaN or infinite weights (parameter ${bad}). ` +
        'Pass a trained model with finite weights: retrain it, or delete its cached checkpoint so it is rebuilt.',
    );
  }
  checkDataset(method, 'forget', inputs.forget, inputs);
  if (uses.retain) checkDataset(method, 'retain', inputs.retain, inputs);
  if (uses.testPool) checkDataset(method, 'testPool', inputs.testPool, inputs);
  if (uses.reference && inputs.reference != null) checkDataset(method, 'reference', inputs.reference, inputs);
  if (uses.remembrance) checkDataset(method, 'remembrance', inputs.remembrance, inputs);
  // Across sets, once each set is known to be well formed.
  checkForgetIds(method, inputs.forget, uses.retain ? inputs.retain : undefined);
  if (uses.remembrance) checkRemembrance(method, inputs.forget, inputs.remembrance!);
}

/** A remembrance image that is also a forget sample would be trained on while it is being forgotten. */
function checkRemembrance(method: string, forget: Dataset, remembrance: Dataset): void {
  if (remembrance.name !== forget.name || remembrance.split !== forget.split) return;
  const forgetIds = new Set(forget.ids);
  const both = remembrance.ids.find((id) => forgetIds.has(id));
  if (both !== undefined) {
    throw new Error(
      `${method}: sample id ${both} of ${forget.name}/${forget.split} is in both the forget set and the remembrance set. ` +
        'Draw the remembrance set from data the forget request does not touch (remembranceSplit takes it from the test split).',
    );
  }
}

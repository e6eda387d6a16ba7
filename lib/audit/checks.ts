// Input checks of the audit: a clear error that names the input and the fix, before any compute.
import { size, type Dataset } from '../data/dataset';
import type { Classifier } from '../models/classifier';

/** Throws unless `model` takes `ds`'s images and has one output per class of `ds`. */
export function checkModelFitsDataset(where: string, modelName: string, model: Classifier, setName: string, ds: Dataset): void {
  const want = model.spec.inputShape;
  const classes = ds.classNames.length;
  if (want.join() !== ds.shape.join() || model.numClasses !== classes) {
    throw new Error(
      `${where}: the ${modelName} model (${model.spec.arch}) takes [${want.join(', ')}] images with ${model.numClasses} classes, but the ${setName} set ` +
        `${ds.name}/${ds.split} has [${ds.shape.join(', ')}] images with ${classes} classes; pass a model trained on this dataset (or load its checkpoint).`,
    );
  }
}

export function checkNonEmpty(where: string, setName: string, ds: Dataset): void {
  if (size(ds) === 0) throw new Error(`${where}: the ${setName} set ${ds.name}/${ds.split} is empty; pass at least one sample.`);
}

/**
 * Throws when two sets drawn from the same split share sample ids. Ids are stable per split (a train
 * id and a test id may be the same number), so sets from different splits are not compared.
 */
export function checkDisjoint(where: string, aName: string, a: Dataset, bName: string, b: Dataset, fix: string): void {
  if (a.name !== b.name || a.split !== b.split) return;
  const ids = new Set(a.ids);
  const shared = Array.from(b.ids).filter((id) => ids.has(id));
  if (shared.length > 0) {
    const shown = shared.slice(0, 5).join(', ') + (shared.length > 5 ? ', ...' : '');
    throw new Error(`${where}: the ${aName} and ${bName} sets share ${shared.length} sample id(s) of ${a.name}/${a.split} (${shown}); ${fix}`);
  }
}

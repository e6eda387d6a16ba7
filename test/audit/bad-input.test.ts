import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { auditUnlearning } from '../../lib/audit/audit';
import { forgetByIds, forgetByIdsFile, readIdsFile } from '../../lib/audit/forget-ids';
import { makeDataset, subsetByIndex, type Dataset } from '../../lib/data/dataset';
import { init } from '../../lib/engine/init';
import { Rng } from '../../lib/engine/rng';
import type { Classifier } from '../../lib/models/classifier';
import { createModel } from '../../lib/models/registry';

/** n random 8x8 grey images with labels 0..classes-1 and ids from `firstId`, in split `split`. */
function images(n: number, split: string, firstId = 0, shape: [number, number, number] = [8, 8, 1], classes = 3): Dataset {
  const rng = new Rng(`${split}${firstId}`);
  return makeDataset({
    name: 'toy',
    split,
    images: rng.normalArray(n * shape[0] * shape[1] * shape[2]),
    labels: Int32Array.from({ length: n }, (_, i) => i % classes),
    ids: Int32Array.from({ length: n }, (_, i) => firstId + i),
    shape,
    classNames: Array.from({ length: classes }, (_, k) => `c${k}`),
    mean: Array(shape[2]).fill(0),
    std: Array(shape[2]).fill(1),
  });
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'unlearn-lab-audit-bad-'));

describe('the audit rejects bad input with an error that names the input and the fix', () => {
  let model: Classifier;
  const train = images(30, 'train');
  const { forget, retain } = forgetByIds(train, [0, 1, 2, 3, 4, 5]);
  const test = images(12, 'test');
  beforeAll(async () => {
    await init({ log: false });
    model = createModel('mlp', { inputShape: [8, 8, 1], numClasses: 3, seed: 0, options: { hidden: [4] } });
  });
  const run = (over: Partial<Parameters<typeof auditUnlearning>[0]>) => auditUnlearning({ original: model, unlearned: model, retrain: model, method: 'm', forget, retain, test, ...over });

  it('audits well-formed input (the baseline the other cases break)', async () => {
    const a = await run({});
    expect(a.scores.m.forget.loss).toHaveLength(6);
  });

  it('a model that does not match the dataset: image shape, or number of classes', async () => {
    const other = createModel('mlp', { inputShape: [28, 28, 1], numClasses: 3, seed: 0, options: { hidden: [4] } });
    const fourClasses = createModel('mlp', { inputShape: [8, 8, 1], numClasses: 4, seed: 0, options: { hidden: [4] } });
    try {
      await expect(run({ unlearned: other })).rejects.toThrow(/the m model \(mlp\) takes \[28, 28, 1\] images with 3 classes, but the forget set toy\/train has \[8, 8, 1\] images.*pass a model trained on this dataset/);
      await expect(run({ retrain: fourClasses })).rejects.toThrow(/the retrain model \(mlp\) takes \[8, 8, 1\] images with 4 classes.*with 3 classes/);
    } finally {
      other.dispose();
      fourClasses.dispose();
    }
  });

  it('forget and test sets that share ids of the same split', async () => {
    const leaky = subsetByIndex(train, [4, 5, 6, 7]);
    await expect(run({ test: leaky })).rejects.toThrow(/the forget and test sets share 2 sample id\(s\) of toy\/train \(4, 5\); test samples must be ones the original model never trained on/);
    // Ids are per split: test id 0 is another image than train id 0, so no error.
    await expect(run({ test: images(5, 'test', 0) })).resolves.toBeDefined();
  });

  it('forget and retain that overlap, an empty set, a clashing method name', async () => {
    await expect(run({ retain: train })).rejects.toThrow(/forget and retain sets share 6 sample id\(s\)/);
    await expect(run({ forget: subsetByIndex(train, []) })).rejects.toThrow(/the forget set toy\/train is empty/);
    await expect(run({ method: 'retrain' })).rejects.toThrow(/clash/);
  });

  it('a missing ids file, and ids files that are not lists of distinct ids of the dataset', () => {
    const missing = path.join(dir, 'no-such-file.txt');
    expect(() => forgetByIdsFile(train, missing)).toThrow(new RegExp(`the forget ids file ${missing} does not exist; write one sample id per line`));
    const write = (name: string, text: string) => {
      fs.writeFileSync(path.join(dir, name), text);
      return path.join(dir, name);
    };
    expect(readIdsFile(write('lines.txt', '# ids\n3\n\n7 # a comment\n11\n'))).toEqual([3, 7, 11]);
    expect(readIdsFile(write('json.txt', '[5, 1, 2]'))).toEqual([5, 1, 2]);
    expect(() => readIdsFile(write('word.txt', '3\nseven\n'))).toThrow(/entry 2 of .*word.txt is "seven"; every entry must be an integer/);
    expect(() => readIdsFile(write('dup.txt', '3\n3\n'))).toThrow(/id 3 appears twice/);
    expect(() => readIdsFile(write('empty.txt', '# nothing\n'))).toThrow(/holds no ids/);
    expect(() => readIdsFile(write('bad.json', '[1, 2'))).toThrow(/not valid JSON/);
    expect(() => forgetByIdsFile(train, write('far.txt', '1\n999\n'))).toThrow(/sample id 999 is not in this dataset/);
    const { forget: f, retain: r } = forgetByIdsFile(train, write('ok.txt', '9\n2\n'));
    expect(Array.from(f.ids)).toEqual([9, 2]);
    expect(r.ids).toHaveLength(28);
    expect(Array.from(r.ids)).not.toContain(9);
  });
});

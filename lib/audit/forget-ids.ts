import * as fs from 'node:fs';
import { indicesOfIds, subsetByIndex, size, type Dataset } from '../data/dataset';

/**
 * Sample ids to forget from a text file: one integer per line (blank lines and `#` comments skipped)
 * or a JSON array of integers. The ids are the dataset's stable ids (Dataset.ids), not positions.
 */
export function readIdsFile(file: string): number[] {
  if (!fs.existsSync(file)) {
    throw new Error(`readIdsFile: the forget ids file ${file} does not exist; write one sample id per line (or a JSON array), e.g. fs.writeFileSync('${file}', ids.join('\\n')).`);
  }
  const text = fs.readFileSync(file, 'utf8');
  let ids: unknown[];
  if (text.trim().startsWith('[')) {
    try {
      ids = JSON.parse(text) as unknown[];
    } catch (e) {
      throw new Error(`readIdsFile: ${file} starts with '[' but is not valid JSON (${(e as Error).message}); write a JSON array of integers or one id per line.`);
    }
  } else {
    ids = text.split(/\r?\n/).map((l) => l.replace(/#.*/, '').trim()).filter((l) => l !== '').map((l) => (/^-?\d+$/.test(l) ? Number(l) : l));
  }
  const bad = ids.findIndex((v) => !Number.isInteger(v));
  if (bad >= 0) throw new Error(`readIdsFile: entry ${bad + 1} of ${file} is ${JSON.stringify(ids[bad])}; every entry must be an integer sample id.`);
  if (ids.length === 0) throw new Error(`readIdsFile: ${file} holds no ids; an empty forget request forgets nothing.`);
  const seen = new Set<number>();
  for (const id of ids as number[]) {
    if (seen.has(id)) throw new Error(`readIdsFile: id ${id} appears twice in ${file}; list each sample once.`);
    seen.add(id);
  }
  return ids as number[];
}

/** The forget set (the given ids of `train`) and the retain set (every other sample), as datasets. */
export function forgetByIds(train: Dataset, ids: Iterable<number>): { forget: Dataset; retain: Dataset } {
  const pos = indicesOfIds(train, ids);
  if (pos.length === 0) throw new Error(`forgetByIds: no ids given; pass at least one sample id of ${train.name}/${train.split}.`);
  const chosen = new Set(pos);
  const rest = Int32Array.from({ length: size(train) }, (_, i) => i).filter((i) => !chosen.has(i));
  return { forget: subsetByIndex(train, pos), retain: subsetByIndex(train, rest) };
}

/** forgetByIds with the ids of an ids file (readIdsFile). */
export function forgetByIdsFile(train: Dataset, file: string): { forget: Dataset; retain: Dataset } {
  return forgetByIds(train, readIdsFile(file));
}

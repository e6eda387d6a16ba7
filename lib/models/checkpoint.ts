import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { writeFileAtomic } from '../io/atomic';
import type { Classifier, ModelSpec } from './classifier';
import { createModel } from './registry';

/**
 * Checkpoint file format (version 1), one file, little-endian:
 *
 *   bytes 0..7    magic "ULCKPT01"
 *   bytes 8..11   uint32 H: byte length of the JSON header (padded with spaces so the payload starts at a multiple of 4)
 *   bytes 12..    H bytes of UTF-8 JSON: CheckpointHeader (model spec, user meta, tensor table, payload size and sha256)
 *   then          the payload: every parameter and buffer as raw float32, concatenated in the table's order
 *
 * The model is rebuilt from header.spec through the registry, then every tensor is loaded by name and
 * checked against the rebuilt architecture's names and shapes. Files are written atomically (lib/io), so a
 * crash never leaves a half-written checkpoint under the real name.
 */
const MAGIC = 'ULCKPT01';
const PREFIX_BYTES = 12;
export const CHECKPOINT_VERSION = 1;

export interface CheckpointTensor {
  name: string;
  kind: 'parameter' | 'buffer';
  shape: number[];
  /** Byte offset from the start of the payload. */
  offset: number;
}

export interface CheckpointHeader {
  format: 'unlearn-lab checkpoint';
  version: number;
  spec: ModelSpec;
  meta: Record<string, unknown>;
  savedAt: string;
  tensors: CheckpointTensor[];
  payloadBytes: number;
  /** Hex sha256 of the payload: detects corruption. */
  sha256: string;
}

function checkLittleEndian(): void {
  if (os.endianness() !== 'LE') throw new Error('Checkpoints are stored little-endian; this big-endian host is not supported.');
}

function tensorsOf(model: Classifier): Array<{ name: string; kind: 'parameter' | 'buffer'; v: tf.Variable }> {
  return [
    ...model.namedParameters().map(([name, v]) => ({ name, kind: 'parameter' as const, v })),
    ...model.namedBuffers().map(([name, v]) => ({ name, kind: 'buffer' as const, v })),
  ];
}

/**
 * Writes a model's spec, every parameter and buffer (e.g. batch-norm running statistics) and optional
 * JSON-serialisable metadata to `file`, atomically. Creates the directory if needed.
 */
export async function saveCheckpoint(model: Classifier, file: string, meta: Record<string, unknown> = {}): Promise<void> {
  checkLittleEndian();
  const entries = tensorsOf(model);
  for (const e of entries) {
    if (e.v.dtype !== 'float32') throw new Error(`saveCheckpoint: tensor '${e.name}' is ${e.v.dtype}; only float32 tensors can be stored.`);
  }
  let offset = 0;
  const tensors: CheckpointTensor[] = entries.map((e) => {
    const t = { name: e.name, kind: e.kind, shape: [...e.v.shape], offset };
    offset += e.v.size * 4;
    return t;
  });
  const datas = (await Promise.all(entries.map((e) => e.v.data()))) as Float32Array[];
  const hash = createHash('sha256');
  for (const d of datas) hash.update(new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
  const header: CheckpointHeader = {
    format: 'unlearn-lab checkpoint',
    version: CHECKPOINT_VERSION,
    spec: model.spec,
    meta,
    savedAt: new Date().toISOString(),
    tensors,
    payloadBytes: offset,
    sha256: hash.digest('hex'),
  };
  let json: string;
  try {
    json = JSON.stringify(header);
  } catch (err) {
    throw new Error(`saveCheckpoint: the model spec or meta is not JSON-serialisable (${(err as Error).message}). Pass plain data as meta.`);
  }
  let headerBytes = Buffer.from(json, 'utf8');
  const pad = (4 - ((PREFIX_BYTES + headerBytes.length) % 4)) % 4;
  if (pad > 0) headerBytes = Buffer.concat([headerBytes, Buffer.from(' '.repeat(pad))]);
  const prefix = Buffer.alloc(PREFIX_BYTES);
  prefix.write(MAGIC, 0, 'ascii');
  prefix.writeUInt32LE(headerBytes.length, 8);

  writeFileAtomic(file, [prefix, headerBytes, ...datas.map((d) => new Uint8Array(d.buffer, d.byteOffset, d.byteLength))]);
}

function corrupt(file: string, why: string): Error {
  return new Error(`Checkpoint ${file} is unreadable: ${why}. Delete or replace the file (save it again with saveCheckpoint()); a cached original model is set aside and retrained by itself.`);
}

/** Reads and verifies a checkpoint file: its header and the raw payload bytes. */
function readVerified(file: string): { header: CheckpointHeader; payload: Buffer } {
  checkLittleEndian();
  if (!fs.existsSync(file)) throw new Error(`Checkpoint ${file} does not exist. Check the path, or save one with saveCheckpoint().`);
  const buf = fs.readFileSync(file);
  if (buf.length < PREFIX_BYTES) throw corrupt(file, `the file is truncated (${buf.length} bytes)`);
  if (buf.toString('ascii', 0, 8) !== MAGIC) throw corrupt(file, `it does not start with '${MAGIC}' (not an unlearn-lab checkpoint)`);
  const h = buf.readUInt32LE(8);
  if (PREFIX_BYTES + h > buf.length) throw corrupt(file, `the file is truncated inside its header (${buf.length} bytes, header needs ${PREFIX_BYTES + h})`);
  let header: CheckpointHeader;
  try {
    header = JSON.parse(buf.toString('utf8', PREFIX_BYTES, PREFIX_BYTES + h)) as CheckpointHeader;
  } catch (err) {
    throw corrupt(file, `its JSON header does not parse (${(err as Error).message})`);
  }
  if (header?.format !== 'unlearn-lab checkpoint' || !Array.isArray(header.tensors) || header.spec == null) {
    throw corrupt(file, 'its header lacks the format, spec or tensor table');
  }
  if (header.version !== CHECKPOINT_VERSION) {
    throw new Error(`Checkpoint ${file} has format version ${header.version}; this version of unlearn-lab reads version ${CHECKPOINT_VERSION}.`);
  }
  const start = PREFIX_BYTES + h;
  const have = buf.length - start;
  if (have !== header.payloadBytes) {
    throw corrupt(file, have < header.payloadBytes ? `the file is truncated (payload ${have} of ${header.payloadBytes} bytes)` : `${have - header.payloadBytes} unexpected bytes follow the payload`);
  }
  const payload = buf.subarray(start);
  const sha = createHash('sha256').update(payload).digest('hex');
  if (sha !== header.sha256) throw corrupt(file, 'the payload checksum does not match (the weights are corrupted)');
  return { header, payload };
}

/** The header of a checkpoint (spec, meta, tensor table) without loading the weights. */
export function readCheckpointHeader(file: string): CheckpointHeader {
  return readVerified(file).header;
}

/** Loads verified weights into `model`; throws (naming the first difference) if its architecture differs. */
function assignAll(model: Classifier, header: CheckpointHeader, payload: Buffer, file: string): void {
  const mine = tensorsOf(model);
  const stored = header.tensors;
  const mismatch = (what: string) =>
    new Error(
      `Checkpoint ${file} does not match the model's architecture (${model.spec.arch} ${JSON.stringify(model.spec.options)} ` +
        `on [${model.spec.inputShape.join(', ')}], ${model.spec.numClasses} classes; stored: ${header.spec.arch} ` +
        `${JSON.stringify(header.spec.options)} on [${header.spec.inputShape.join(', ')}], ${header.spec.numClasses} classes): ${what}. ` +
        'Build the model with the checkpoint\'s spec, or use loadCheckpoint() which does that.',
    );
  if (mine.length !== stored.length) throw mismatch(`${stored.length} stored tensors, ${mine.length} in the model`);
  mine.forEach((m, i) => {
    const s = stored[i];
    if (s.name !== m.name || s.kind !== m.kind) throw mismatch(`tensor ${i} is ${s.kind} '${s.name}' in the file but ${m.kind} '${m.name}' in the model`);
    if (s.shape.join() !== m.v.shape.join()) throw mismatch(`'${s.name}' has shape [${s.shape.join(', ')}] in the file but [${m.v.shape.join(', ')}] in the model`);
    const bytes = m.v.size * 4;
    if (!Number.isInteger(s.offset) || s.offset < 0 || s.offset + bytes > payload.length) throw corrupt(file, `tensor '${s.name}' lies outside the payload`);
  });
  for (let i = 0; i < mine.length; i++) {
    const { v } = mine[i];
    const s = stored[i];
    // Copy into an aligned buffer: the payload's own offset in the file buffer need not be a multiple of 4.
    const values = new Float32Array(v.size);
    new Uint8Array(values.buffer).set(payload.subarray(s.offset, s.offset + v.size * 4));
    const t = tf.tensor(values, s.shape, 'float32');
    v.assign(t);
    t.dispose();
  }
}

/** Rebuilds the stored architecture through the registry and loads its weights; verifies the file first. */
export function loadCheckpoint(file: string): Classifier {
  const { header, payload } = readVerified(file);
  const spec = header.spec;
  let model: Classifier;
  try {
    model = createModel(spec.arch, { inputShape: spec.inputShape, numClasses: spec.numClasses, seed: spec.seed, options: spec.options });
  } catch (err) {
    throw new Error(`Checkpoint ${file} stores a model that cannot be rebuilt: ${(err as Error).message}`);
  }
  try {
    assignAll(model, header, payload, file);
  } catch (err) {
    model.dispose();
    throw err;
  }
  return model;
}

/** Loads a checkpoint's weights into an existing model of the same architecture (names and shapes checked). */
export function loadCheckpointInto(model: Classifier, file: string): CheckpointHeader {
  const { header, payload } = readVerified(file);
  assignAll(model, header, payload, file);
  return header;
}

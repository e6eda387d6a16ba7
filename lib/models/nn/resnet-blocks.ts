import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../engine/rng';
import { Conv2d, makeNorm, type NormKind } from './layers';
import { Module, Sequential } from './module';

/**
 * The projection shortcut of a residual block (1x1 conv, stride s, no bias, then norm), used when
 * the block changes resolution or width; otherwise the shortcut is the identity (null).
 */
function shortcut(rng: Rng, inCh: number, outCh: number, stride: number, norm: NormKind): Sequential | null {
  if (stride === 1 && inCh === outCh) return null;
  return new Sequential([new Conv2d(rng, inCh, outCh, 1, stride, 0, false), makeNorm(norm, outCh)]);
}

/** ResNet basic block: relu(norm(conv3x3(relu(norm(conv3x3_s(x))))) + shortcut(x)). Expansion 1. */
export class BasicBlock extends Module {
  static readonly expansion = 1;
  private readonly conv1: Conv2d;
  private readonly bn1: Module;
  private readonly conv2: Conv2d;
  private readonly bn2: Module;
  private readonly shortcut: Sequential | null;

  constructor(rng: Rng, inCh: number, planes: number, stride: number, norm: NormKind) {
    super();
    // Names follow the PyTorch state_dict (conv1, bn1, ..., shortcut.0, shortcut.1).
    this.conv1 = this.child('conv1', new Conv2d(rng.fork('conv1'), inCh, planes, 3, stride, 1, false));
    this.bn1 = this.child('bn1', makeNorm(norm, planes));
    this.conv2 = this.child('conv2', new Conv2d(rng.fork('conv2'), planes, planes, 3, 1, 1, false));
    this.bn2 = this.child('bn2', makeNorm(norm, planes));
    const sc = shortcut(rng.fork('shortcut'), inCh, planes, stride, norm);
    this.shortcut = sc == null ? null : this.child('shortcut', sc);
  }

  forward(x: tf.Tensor, training: boolean): tf.Tensor {
    const y = this.bn2.forward(this.conv2.forward(tf.relu(this.bn1.forward(this.conv1.forward(x), training))), training);
    return tf.relu(tf.add(y, this.shortcut ? this.shortcut.forward(x, training) : x));
  }
}

/** ResNet bottleneck: 1x1 reduce -> 3x3 (stride s) -> 1x1 expand (x4), plus shortcut. */
export class Bottleneck extends Module {
  static readonly expansion = 4;
  private readonly conv1: Conv2d;
  private readonly bn1: Module;
  private readonly conv2: Conv2d;
  private readonly bn2: Module;
  private readonly conv3: Conv2d;
  private readonly bn3: Module;
  private readonly shortcut: Sequential | null;

  constructor(rng: Rng, inCh: number, planes: number, stride: number, norm: NormKind) {
    super();
    const out = planes * Bottleneck.expansion;
    this.conv1 = this.child('conv1', new Conv2d(rng.fork('conv1'), inCh, planes, 1, 1, 0, false));
    this.bn1 = this.child('bn1', makeNorm(norm, planes));
    this.conv2 = this.child('conv2', new Conv2d(rng.fork('conv2'), planes, planes, 3, stride, 1, false));
    this.bn2 = this.child('bn2', makeNorm(norm, planes));
    this.conv3 = this.child('conv3', new Conv2d(rng.fork('conv3'), planes, out, 1, 1, 0, false));
    this.bn3 = this.child('bn3', makeNorm(norm, out));
    const sc = shortcut(rng.fork('shortcut'), inCh, out, stride, norm);
    this.shortcut = sc == null ? null : this.child('shortcut', sc);
  }

  forward(x: tf.Tensor, training: boolean): tf.Tensor {
    let y = tf.relu(this.bn1.forward(this.conv1.forward(x), training));
    y = tf.relu(this.bn2.forward(this.conv2.forward(y), training));
    y = this.bn3.forward(this.conv3.forward(y), training);
    return tf.relu(tf.add(y, this.shortcut ? this.shortcut.forward(x, training) : x));
  }
}

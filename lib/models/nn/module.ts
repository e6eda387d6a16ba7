import * as tf from '@tensorflow/tfjs';

/**
 * A minimal PyTorch-style module tree over tfjs variables: named trainable parameters, named
 * non-trainable buffers (e.g. batch-norm running statistics) and child modules. forward() is a
 * pure function of the input and the current variables, so it works under tf.grad / tf.variableGrads.
 */
export abstract class Module {
  protected readonly ownParams = new Map<string, tf.Variable>();
  protected readonly ownBuffers = new Map<string, tf.Variable>();
  protected readonly children = new Map<string, Module>();

  abstract forward(x: tf.Tensor, training: boolean): tf.Tensor;

  protected param(name: string, value: tf.Tensor): tf.Variable {
    const v = tf.variable(value, true);
    value.dispose();
    this.ownParams.set(name, v);
    return v;
  }

  protected buffer(name: string, value: tf.Tensor): tf.Variable {
    const v = tf.variable(value, false);
    value.dispose();
    this.ownBuffers.set(name, v);
    return v;
  }

  protected child<M extends Module>(name: string, m: M): M {
    this.children.set(name, m);
    return m;
  }

  /** Trainable parameters with dotted names, in registration order (PyTorch's state_dict order). */
  namedParameters(prefix = ''): Array<[string, tf.Variable]> {
    const out: Array<[string, tf.Variable]> = [];
    for (const [n, v] of this.ownParams) out.push([prefix + n, v]);
    for (const [n, c] of this.children) out.push(...c.namedParameters(`${prefix}${n}.`));
    return out;
  }

  namedBuffers(prefix = ''): Array<[string, tf.Variable]> {
    const out: Array<[string, tf.Variable]> = [];
    for (const [n, v] of this.ownBuffers) out.push([prefix + n, v]);
    for (const [n, c] of this.children) out.push(...c.namedBuffers(`${prefix}${n}.`));
    return out;
  }

  namedModules(prefix = ''): Array<[string, Module]> {
    const out: Array<[string, Module]> = [[prefix.replace(/\.$/, ''), this]];
    for (const [n, c] of this.children) out.push(...c.namedModules(`${prefix}${n}.`));
    return out;
  }

  /**
   * The module as a chain of stages whose composition is forward(): where a model can be cut into parts
   * (lib/models/three-part.ts). Each name is the stage's path below this module, so its parameters are
   * named path.param here ('' when they sit directly on this module). A plain module is one stage.
   */
  stages(): Array<[string, Module]> {
    return [['', this]];
  }

  parameters(): tf.Variable[] {
    return this.namedParameters().map(([, v]) => v);
  }

  parameterCount(): number {
    return this.parameters().reduce((s, v) => s + v.size, 0);
  }

  dispose(): void {
    for (const [, v] of this.namedParameters()) v.dispose();
    for (const [, v] of this.namedBuffers()) v.dispose();
  }
}

/** Applies children in order. */
export class Sequential extends Module {
  private readonly layers: Module[];

  constructor(layers: Module[]) {
    super();
    this.layers = layers;
    layers.forEach((m, i) => this.child(String(i), m));
  }

  forward(x: tf.Tensor, training: boolean): tf.Tensor {
    let y = x;
    for (const m of this.layers) y = m.forward(y, training);
    return y;
  }

  override stages(): Array<[string, Module]> {
    return this.layers.map((m, i) => [String(i), m]);
  }
}

/** Joins a module path and a child path ('' stands for the module itself). */
export function joinPath(prefix: string, name: string): string {
  return prefix === '' ? name : name === '' ? prefix : `${prefix}.${name}`;
}

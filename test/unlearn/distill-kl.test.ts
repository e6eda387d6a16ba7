import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { init } from '../../lib/engine/init';
import { teacherKl } from '../../lib/unlearn/shared/distill';

describe('teacherKl', () => {
  beforeAll(async () => {
    await init({ backend: 'wasm', log: false });
  });

  it("reduces as PyTorch's kl_div: 'batchmean' x T^2 (DC_Unlearning) or the element-wise 'mean' without T^2 (the 2024 bad teacher)", async () => {
    const student = tf.tensor2d([[0, 1, 2], [1, 0, 0]]);
    const teacher = tf.tensor2d([[2, 0, 0], [0, 0, 3]]);
    const T = 4;
    // Hand computation: per row KL(p_t || p_s) with p = softmax(z / T).
    const soft = (z: number[]) => {
      const e = z.map((v) => Math.exp(v / T));
      const s = e.reduce((a, b) => a + b, 0);
      return e.map((v) => v / s);
    };
    const rows = [0, 1].map((r) => {
      const ps = soft([[0, 1, 2], [1, 0, 0]][r]);
      const pt = soft([[2, 0, 0], [0, 0, 3]][r]);
      return pt.reduce((a, p, k) => a + p * Math.log(p / ps[k]), 0);
    });
    const sumKl = rows[0] + rows[1];
    expect((await teacherKl(student, teacher, T).data())[0]).toBeCloseTo((sumKl / 2) * T * T, 5);
    expect((await teacherKl(student, teacher, T, 'mean').data())[0]).toBeCloseTo(sumKl / 6, 6);
    student.dispose();
    teacher.dispose();
  });
});

/**
 * Fixed-step ODE integration of dx/dt = f(x, t) from t = 0 to t = 1 (BayesFlow `utils/integrate.py`
 * `integrate_fixed`, docs/design/networks.md#flow-matching): Euler x ← x + Δt·f(x, t_k), t_k = k·Δt (BayesFlow default,
 * 100 steps), or classic 4-stage Runge–Kutta with fixed steps.
 *
 * Each step runs in its own tidy scope and the previous state is disposed, so memory stays at one
 * state plus one step's intermediates however many steps run.
 */
import * as tf from '@tensorflow/tfjs';

export type IntegrationMethod = 'euler' | 'rk4';

export type VelocityFn = (x: tf.Tensor2D, t: number) => tf.Tensor2D;

export function integrate(f: VelocityFn, x0: tf.Tensor2D, method: IntegrationMethod, steps: number): tf.Tensor2D {
  if (!Number.isInteger(steps) || steps < 1)
    throw new Error(`integrate: steps must be a positive integer, got ${steps}`);
  if (method !== 'euler' && method !== 'rk4') throw new Error(`integrate: unknown method ${String(method)}`);
  const dt = 1 / steps;
  let x = tf.clone(x0);
  for (let k = 0; k < steps; k++) {
    const t = k * dt;
    const next = tf.tidy(() =>
      method === 'euler' ? (tf.add(x, tf.mul(f(x, t), dt)) as tf.Tensor2D) : rk4Step(f, x, t, dt),
    );
    x.dispose();
    x = next;
  }
  return x;
}

function rk4Step(f: VelocityFn, x: tf.Tensor2D, t: number, dt: number): tf.Tensor2D {
  const k1 = f(x, t);
  const k2 = f(tf.add(x, tf.mul(k1, dt / 2)) as tf.Tensor2D, t + dt / 2);
  const k3 = f(tf.add(x, tf.mul(k2, dt / 2)) as tf.Tensor2D, t + dt / 2);
  const k4 = f(tf.add(x, tf.mul(k3, dt)) as tf.Tensor2D, t + dt);
  const incr = tf.addN([k1, tf.mul(k2, 2), tf.mul(k3, 2), k4]);
  return tf.add(x, tf.mul(incr, dt / 6)) as tf.Tensor2D;
}

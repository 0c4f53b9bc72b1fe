/** Hand-built FrozenTrial fixtures for sampler and pruner rule tests. */
import {
  TrialState,
  type Distribution,
  type FrozenTrial,
  type JsonValue,
  type ParamValue,
} from '../../../../src/engine/types.ts';

export interface TrialSpec {
  state?: TrialState;
  value?: number | null;
  params?: Record<string, ParamValue>;
  distributions?: Record<string, Distribution>;
  intermediate?: [number, number][];
  systemAttrs?: Record<string, JsonValue>;
}

export function makeTrials(specs: TrialSpec[]): FrozenTrial[] {
  return specs.map((s, number) => ({
    number,
    trialId: 100 + number,
    state: s.state ?? TrialState.COMPLETE,
    values: s.value === undefined || s.value === null ? null : [s.value],
    datetimeStart: '2026-01-01T00:00:00.000000',
    datetimeComplete: null,
    params: s.params ?? {},
    distributions: s.distributions ?? {},
    userAttrs: {},
    systemAttrs: s.systemAttrs ?? {},
    intermediateValues: new Map(s.intermediate ?? []),
  }));
}

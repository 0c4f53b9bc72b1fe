/**
 * The export's requirements.txt: the same exact versions as the project's tested .venv
 * (python/requirements.lock, through the generated pins.ts), so a cluster runs what the tests ran. The
 * backend is not pinned: study.py trains on Keras' torch backend by default, and the CUDA build of torch
 * that fits a cluster's drivers is the user's to choose. Hashes are left out on purpose: they pin one
 * Python's resolution (3.11), while a cluster may have 3.10 or 3.12, where pip must add what those need.
 */
import { CLUSTER_PINS } from './pins.ts';

export const REQUIREMENTS_FILE = 'requirements.txt';

export function requirementsTxt(): string {
  return [
    '# The versions dmc-tune tests with (its python/requirements.lock; Python 3.10-3.12, numpy < 2).',
    '# Install with a Keras backend for your GPUs, e.g.:',
    '#   python3 -m pip install -r requirements.txt torch',
    ...CLUSTER_PINS.map(([name, version]) => `${name}==${version}`),
    '',
  ].join('\n');
}

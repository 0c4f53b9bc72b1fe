/**
 * Composition root: the only file that wires layers together. It builds the state classes (and,
 * through them, the worker clients and storage) and mounts App.svelte.
 */
import { mount } from 'svelte';
import './ui/styles.css';
import App from './ui/App.svelte';
import type { AppContext } from './state/app.ts';
import { BackendStatus } from './state/backends.svelte.ts';
import { Router } from './state/router.svelte.ts';

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');

const app: AppContext = {
  router: new Router(),
  backends: new BackendStatus(),
};
void app.backends.load();
mount(App, { target, props: { app } });

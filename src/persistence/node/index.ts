/** Node storage backends, for the CLI: kept apart from `../index.ts` so the page never loads node:fs. */
export { JournalFileBackend, type JournalFileBackendOptions } from './journal-file-backend.ts';

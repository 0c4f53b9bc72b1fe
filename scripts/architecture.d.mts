// Types for architecture.mjs (plain JavaScript beside eslint/layers.js, which it reads).

export interface LayerTable {
  entries?: Record<string, string[]>;
  packages?: { layers: Record<string, string[]>; folders: Record<string, string[]> };
  pure?: string[];
}
/** eslint/layers.js's table, re-exported with its types. */
export declare const ENTRIES: Record<string, string[]>;
export declare const PACKAGES: { layers: Record<string, string[]>; folders: Record<string, string[]> };
export declare const PURE_LAYERS: string[];
export declare const BEGIN: string;
export declare const END: string;
export declare function importsByLayer(entries?: Record<string, string[]>): Map<string, string[]>;
export declare function renderLayerTable(table?: LayerTable): string;
export declare function spliceReadme(readme: string, table: string): string;

// Types for cluster-pins.mjs.
export declare const NOT_FOR_CLUSTER: string[];
export declare function clusterPins(lock: string): [string, string][];

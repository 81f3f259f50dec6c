/**
 * Model file endings Monaco keys behaviour on. Kept apart from setup.ts so components can use
 * them without pulling Monaco into the first page load.
 */

/** Model paths ending in this are flow documents, validated against the flow file's JSON Schema. */
export const FLOW_MODEL_SUFFIX = '.flow.json';

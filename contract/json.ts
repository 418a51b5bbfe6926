/**
 * Parsed JSON from a model server or a client, before its fields are checked:
 * code reading it checks each field's type where it uses it.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- external JSON, checked field by field
export type JsonObject = Record<string, any>;

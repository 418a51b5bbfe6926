import type { FromSchema, JSONSchema } from "json-schema-to-ts";

/** Draft 4's boolean exclusiveMinimum/Maximum change value ranges, not types; json-schema-to-ts reads later drafts. */
type WithoutExclusiveBounds<T> = T extends readonly unknown[]
  ? { readonly [K in keyof T]: WithoutExclusiveBounds<T[K]> }
  : T extends object
    ? {
        readonly [
          K in keyof T as K extends "exclusiveMinimum" | "exclusiveMaximum" ? never : K
        ]: WithoutExclusiveBounds<T[K]>;
      }
    : T;

/** The TypeScript type of what a draft 4 schema admits. */
export type FromDraft4Schema<S> = WithoutExclusiveBounds<S> extends infer T extends JSONSchema ? FromSchema<T> : never;

/** A body after withoutNulls: a top-level field is a value or absent, never null. */
export type Given<T> = { [K in keyof T]: Exclude<T[K], null> };

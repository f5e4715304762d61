/**
 * JavaScript source with every character above U+00FF written as a `\uXXXX` escape. V8 stores a string holding
 * any such character at two bytes per character: ten em-dashes in the workflows' comments made the 1.8 MB workflow
 * bundle 3.6 MB in each of its copies (the worker keeps two, the workflow thread one more). An escape means the
 * same character in a string or template literal, a regular expression and an identifier, and nothing in a comment.
 * (A source map's columns after such a character on its line move by five; only String.raw would see the escape.)
 */
export function latin1Source(code: string): string {
  return code.replace(/[\u0100-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

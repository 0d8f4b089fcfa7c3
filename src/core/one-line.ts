/** Text from elsewhere (an error, a server's answer) made fit for one line of a log, a menu or a status. */

/** Whitespace and control characters: a line break or an escape code must not reach the line. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const BREAKING = /[\s\u0000-\u001f\u007f-\u009f]+/g;

/**
 * The text on one line: each run of whitespace or control characters becomes one space, and the
 * ends are trimmed. Given `maxChars`, a longer line is cut to that many characters, the last an ellipsis.
 */
export function oneLine(text: string, maxChars = Infinity): string {
  const line = text.replace(BREAKING, ' ').trim();
  return line.length > maxChars ? `${line.slice(0, maxChars - 1)}…` : line;
}

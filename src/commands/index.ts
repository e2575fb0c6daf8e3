/**
 * The command parser: what an admin typed in Teams → a Command (src/domain/command.ts). Pure: nothing here
 * looks anything up or evaluates a value; refs keep the typed text literally (minus invisible characters)
 * for later quoting with odataString.
 *
 * A message goes normalizer.ts (Teams HTML → plain text) → parseCommand.ts (length, then the verb from
 * verbs.ts) → the verb's grammar (`<verb>Grammar.ts`), which reads tokens (lexer.ts) and asks what each
 * one is (classifier.ts). Every step is linear in the input (`npm run bench` measures it).
 */

export { normalizeMessageText } from './normalizer';
export { parseCommand } from './parseCommand';
export { USAGE, type Verb } from './verbs';
export {
  DEFAULT_HISTORY_COUNT,
  MAX_HISTORY_COUNT,
  MAX_INPUT_LENGTH,
  MAX_REASON_LENGTH,
  MAX_TARGETS,
  MAX_VALUE_LENGTH,
  type ParseLimits,
} from './limits';

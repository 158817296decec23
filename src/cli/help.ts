/**
 * The help texts: `qwen-auth --help` (the commands) and `qwen-auth help
 * <command>` / `<command> --help` (its arguments and options), from the
 * tables of ./commands.ts and ./options.ts. Loaded only when help is shown.
 */
import { COMMAND_TABLE, type CommandOrHelp, HELP_OPTIONS } from './commands.js';
import { type CliOption, COMMANDS, optionsOf } from './options.js';

const NAME = 'qwen-auth';
const DESCRIPTION = "Qwen Code's authentication and configuration, explained.";

/** `text` in lines of at most `width` characters, the lines after the first indented by `indent`. */
function wrap(text: string, indent: number, width: number): string {
  const room = width - indent;
  // Too narrow to wrap usefully: one long line.
  if (room < 40) return text;
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > room) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  lines.push(line);
  return lines.join(`\n${' '.repeat(indent)}`);
}

/** Rows of `term  description`, the descriptions aligned at `column`. */
function rows(entries: readonly (readonly [string, string])[], column: number, width: number): string[] {
  return entries.map(([term, description]) => `  ${term.padEnd(column)}  ${wrap(description, column + 4, width)}`.trimEnd());
}

/** An option's line: its description, then its choices and default. */
function optionDescription(o: CliOption): string {
  const extras = [
    ...(o.choices ? [`choices: ${o.choices.map((c) => JSON.stringify(c)).join(', ')}`] : []),
    ...(o.defaultValue !== undefined ? [`default: ${JSON.stringify(o.defaultValue)}`] : []),
  ];
  return extras.length > 0 ? `${o.description} (${extras.join(', ')})` : o.description;
}

/** `<type>`, `[dir]`, `<command...>`. */
function argumentTerms(command: CommandOrHelp): string {
  return COMMAND_TABLE[command].arguments
    .map((a) => (a.required ? `<${a.name}${a.variadic ? '...' : ''}>` : `[${a.name}${a.variadic ? '...' : ''}]`))
    .join(' ');
}

const HELP_ROW = ['-h, --help', 'display help for command'] as const;

/** The help text of `command`, or of the whole program; `width`: the terminal's columns (80 when not a terminal). */
export function helpText(command: CommandOrHelp | undefined, width = 80): string {
  const sections: string[] = [];
  if (command === undefined) {
    const terms = [...COMMANDS, 'help' as const].map(
      (name) => [`${name} [options]${argumentTerms(name) ? ` ${argumentTerms(name)}` : ''}`, COMMAND_TABLE[name].description] as const,
    );
    const options = [['-V, --version', 'output the version number'], HELP_ROW] as const;
    const column = Math.max(...[...terms, ...options].map(([t]) => t.length));
    sections.push(`Usage: ${NAME} [options] [command]`, DESCRIPTION, ['Options:', ...rows(options, column, width)].join('\n'));
    sections.push(['Commands:', ...rows(terms, column, width)].join('\n'));
    return `${sections.join('\n\n')}\n`;
  }
  const spec = COMMAND_TABLE[command];
  const args = spec.arguments.map((a) => [a.name, a.description] as const);
  const options = [...optionsOf(command, command === 'help' ? HELP_OPTIONS : []).map((o) => [o.spec.flags, optionDescription(o.spec)] as const), HELP_ROW];
  const column = Math.max(...[...args, ...options].map(([t]) => t.length));
  sections.push(`Usage: ${NAME} ${command} ${spec.usage ?? `[options]${argumentTerms(command) ? ` ${argumentTerms(command)}` : ''}`}`);
  sections.push(wrap(spec.description, 0, width));
  if (args.length > 0) sections.push(['Arguments:', ...rows(args, column, width)].join('\n'));
  sections.push(['Options:', ...rows(options, column, width)].join('\n'));
  return `${sections.join('\n\n')}\n`;
}

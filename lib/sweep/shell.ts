/** A word of a shell command, quoted only when the shell would split or expand it. */
export function shellQuote(w: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`;
}

/**
 * A command line `npx unlearn-lab <command> --preset p --name value ...`, runnable as written: flags
 * with an undefined value are left out, list values are joined by commas, words quoted as the shell needs.
 */
export function unlearnLabCommand(command: string, preset: string, flags: ReadonlyArray<readonly [string, unknown]>): string {
  const words = ['npx', 'unlearn-lab', command, '--preset', preset];
  for (const [name, v] of flags) if (v !== undefined) words.push(`--${name}`, Array.isArray(v) ? v.join(',') : String(v));
  return words.map(shellQuote).join(' ');
}

/** The problems a config parse reports: it must throw a ConfigError (anything else fails the test). */
import { expect } from 'vitest';
import { ConfigError } from '../../server/config/load.js';

export function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

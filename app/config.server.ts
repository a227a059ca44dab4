import fs from "node:fs";
import path from "node:path";
import { compileConfig, ConfigError, parseConfig, type CompiledConfig } from "./stewardship/config";

/** The file Steward reads unless `STEWARD_CONFIG` names another. */
export const defaultConfigFile = "steward.config.json";

export function configFilePath(): string {
  return path.resolve(process.env.STEWARD_CONFIG?.trim() || defaultConfigFile);
}

/** Reads and validates a configuration file; errors name the file and the key at fault. */
export function loadConfig(file = configFilePath()): CompiledConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(
      `Cannot read the Steward configuration ${file}: ${reason}. Set STEWARD_CONFIG to the right file.`,
    );
  }
  return compileConfig(parseConfig(text, path.relative(process.cwd(), file) || file));
}

let cached: { file: string; mtimeMs: number; config: CompiledConfig } | undefined;

/** The app's configuration, re-read when the file changes so `remix dev` picks edits up. */
export function getConfig(): CompiledConfig {
  const file = configFilePath();
  const mtimeMs = fs.statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0;
  if (!cached || cached.file !== file || cached.mtimeMs !== mtimeMs) {
    cached = { file, mtimeMs, config: loadConfig(file) };
  }
  return cached.config;
}

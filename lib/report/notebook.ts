import { init, type EngineInfo } from '../engine/init';
import { escapeHtml } from '../io/html';
import { inNotebook, writeDisplay } from '../io/jupyter';

export const NOTEBOOK_PRESETS = ['smoke', 'cpu', 'gpu-paper'] as const;
export type NotebookPresetName = (typeof NOTEBOOK_PRESETS)[number];

/**
 * The preset a notebook or run uses: env UNLEARN_PRESET (tests run notebooks with 'smoke'), else
 * `fallback` (default 'cpu', the laptop preset).
 */
export function currentPreset(fallback: NotebookPresetName = 'cpu'): NotebookPresetName {
  const raw = process.env.UNLEARN_PRESET;
  if (raw == null || raw.trim() === '') return fallback;
  const p = raw.trim().toLowerCase();
  if (!(NOTEBOOK_PRESETS as readonly string[]).includes(p)) {
    throw new Error(`Unknown preset '${raw}' in environment variable UNLEARN_PRESET; use one of: ${NOTEBOOK_PRESETS.join(', ')}.`);
  }
  return p as NotebookPresetName;
}

export interface NotebookIntro {
  /** What the notebook reproduces (paper, section, table or figure). */
  title: string;
  description?: string;
}

/** First cell of a notebook: starts the engine and shows what the notebook is, the preset and the backend. */
export async function notebookIntro(intro: NotebookIntro, fallback: NotebookPresetName = 'cpu'): Promise<{ preset: NotebookPresetName; engine: EngineInfo }> {
  const preset = currentPreset(fallback);
  const engine = await init({ log: false });
  const lines = [intro.title, ...(intro.description ? [intro.description] : []), `preset: ${preset}`, engine.summary];
  if (inNotebook()) {
    const html = `<div><b>${escapeHtml(intro.title)}</b>${intro.description ? `<br/>${escapeHtml(intro.description)}` : ''}<br/>preset: <code>${preset}</code><br/><code>${escapeHtml(engine.summary)}</code></div>`;
    writeDisplay({ 'text/html': html, 'text/plain': lines.join('\n') });
  } else {
    console.log(lines.join('\n'));
  }
  return { preset, engine };
}

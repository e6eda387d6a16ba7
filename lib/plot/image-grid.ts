import { indicesOfIds, type Dataset } from '../data/dataset';
import { baseLayout, type Figure } from './figure';
import { blankRgba, blit, datasetImageRgba, pngDataUri } from './png';

export interface ImageGridOptions {
  title?: string;
  /** Images per row (default: up to 10). */
  cols?: number;
  /** Caption under each image: its class name (default), 'id', 'both' or 'none'. */
  captions?: 'class' | 'id' | 'both' | 'none';
  /** Pixel upscaling, so small images stay sharp in static exports (default: tiles of about 84 px). */
  scale?: number;
}

/**
 * A grid of dataset images (samples, condensed prototypes, inverted images) picked by sample id,
 * de-normalised with the dataset's mean/std. The mosaic is one PNG inside a Plotly image trace, so
 * the figure stays small and sharp.
 */
export function imageGrid(ds: Dataset, ids: ArrayLike<number>, opts: ImageGridOptions = {}): Figure {
  const list = Array.from(ids);
  if (list.length === 0) throw new Error(`imageGrid: no sample ids given for ${ds.name}/${ds.split}; pass e.g. ds.ids.slice(0, 20).`);
  if (list.length > 400) throw new Error(`imageGrid: ${list.length} images is too many for one grid; pass at most 400 ids.`);
  const indices = indicesOfIds(ds, list);
  const [h, w] = ds.shape;
  const cols = opts.cols ?? Math.min(10, list.length);
  if (!Number.isInteger(cols) || cols < 1) throw new Error(`imageGrid: cols must be a positive integer, got ${cols}.`);
  const scale = opts.scale ?? Math.max(1, Math.round(84 / Math.max(h, w)));
  const rows = Math.ceil(list.length / cols);
  const pad = 2 * scale;
  const captions = opts.captions ?? 'class';
  const capH = captions === 'none' ? 0 : 16;
  const tileW = w * scale + pad;
  const tileH = h * scale + pad + capH;
  const mosaic = blankRgba(cols * tileW, rows * tileH);
  const annotations: Record<string, unknown>[] = [];
  indices.forEach((idx, k) => {
    const x = (k % cols) * tileW;
    const y = Math.floor(k / cols) * tileH;
    blit(mosaic, datasetImageRgba(ds, idx), x + pad / 2, y + pad / 2, scale);
    if (captions !== 'none') {
      const cls = ds.classNames[ds.labels[idx]] ?? String(ds.labels[idx]);
      const text = captions === 'class' ? cls : captions === 'id' ? `#${ds.ids[idx]}` : `${cls} #${ds.ids[idx]}`;
      annotations.push({ x: x + tileW / 2, y: y + pad / 2 + h * scale + capH / 2, text, showarrow: false, font: { size: 10 }, xref: 'x', yref: 'y' });
    }
  });
  const axisOff = { visible: false, showgrid: false, zeroline: false };
  return {
    data: [{ type: 'image', source: pngDataUri(mosaic), x0: 0, y0: 0, dx: 1, dy: 1, hoverinfo: 'skip' }],
    layout: baseLayout(opts.title ?? `${ds.name}/${ds.split}: ${list.length} images`, {
      width: Math.min(1100, mosaic.width + 40),
      height: Math.min(1100, mosaic.height + (opts.title === '' ? 20 : 70)),
      margin: { l: 20, r: 20, t: 50, b: 20 },
      xaxis: { ...axisOff, range: [0, mosaic.width], constrain: 'domain' },
      yaxis: { ...axisOff, range: [mosaic.height, 0], scaleanchor: 'x' },
      annotations,
    }),
  };
}

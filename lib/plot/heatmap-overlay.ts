import { indicesOfIds, type Dataset } from '../data/dataset';
import { baseLayout, type Figure } from './figure';
import { blit, blankRgba, datasetImageRgba, pngDataUri } from './png';

/** A heat map (for example Grad-CAM at feature-map resolution), row-major, `height` x `width`. */
export interface HeatMap {
  values: ArrayLike<number>;
  height: number;
  width: number;
}

export interface HeatmapOverlayOptions {
  title?: string;
  /** Heat map opacity over the image (default 0.45). */
  opacity?: number;
  colorscale?: string;
  /** Pixel upscaling of the image (default: about 280 px wide). */
  scale?: number;
}

/**
 * A heat map drawn over one dataset image (Grad-CAM input): the image de-normalised with the
 * dataset's mean/std, the heat map stretched over it whatever its resolution, with a colour bar.
 */
export function heatmapOverlay(ds: Dataset, id: number, heat: HeatMap, opts: HeatmapOverlayOptions = {}): Figure {
  const { values, height, width } = heat;
  if (!Number.isInteger(height) || !Number.isInteger(width) || height < 1 || width < 1 || values.length !== height * width) {
    throw new Error(`heatmapOverlay: heat map has ${values.length} values, expected height*width = ${height}*${width}; pass {values, height, width} in row-major order.`);
  }
  const bad = Array.from(values).findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new Error(`heatmapOverlay: heat map value at ${bad} is ${values[bad]}; it must be finite.`);
  const [idx] = indicesOfIds(ds, [id]);
  const [h, w] = ds.shape;
  const scale = opts.scale ?? Math.max(1, Math.round(280 / w));
  const img = blankRgba(w * scale, h * scale);
  blit(img, datasetImageRgba(ds, idx), 0, 0, scale);
  const z = Array.from({ length: height }, (_, r) => Array.from(values).slice(r * width, (r + 1) * width));
  const axisOff = { visible: false, showgrid: false, zeroline: false };
  return {
    data: [
      { type: 'image', source: pngDataUri(img), x0: 0, y0: 0, dx: 1, dy: 1, hoverinfo: 'skip' },
      // Cells centred so the map covers exactly the image area.
      {
        type: 'heatmap',
        z,
        x0: img.width / width / 2,
        dx: img.width / width,
        y0: img.height / height / 2,
        dy: img.height / height,
        opacity: opts.opacity ?? 0.45,
        colorscale: opts.colorscale ?? 'Jet',
        zsmooth: 'best',
        colorbar: { thickness: 12 },
      },
    ],
    layout: baseLayout(opts.title ?? `${ds.classNames[ds.labels[idx]] ?? ds.labels[idx]} #${id}`, {
      width: img.width + 140,
      height: img.height + 80,
      margin: { l: 20, r: 20, t: 50, b: 20 },
      xaxis: { ...axisOff, range: [0, img.width], constrain: 'domain' },
      yaxis: { ...axisOff, range: [img.height, 0], scaleanchor: 'x' },
    }),
  };
}

import { indicesOfIds, type Dataset } from '../data/dataset';
import { baseLayout, type Figure, type Trace } from './figure';
import { blit, blankRgba, datasetImageRgba, pngDataUri, type Rgba } from './png';

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

function checkHeatMap(heat: HeatMap, what: string): void {
  const { values, height, width } = heat;
  if (!Number.isInteger(height) || !Number.isInteger(width) || height < 1 || width < 1 || values.length !== height * width) {
    throw new Error(`${what}: heat map has ${values.length} values, expected height*width = ${height}*${width}; pass {values, height, width} in row-major order.`);
  }
  const bad = Array.from(values).findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new Error(`${what}: heat map value at ${bad} is ${values[bad]}; it must be finite.`);
}

/** Dataset image `index`, de-normalised and upscaled `scale` times. */
function scaledImage(ds: Dataset, index: number, scale: number): Rgba {
  const [h, w] = ds.shape;
  const img = blankRgba(w * scale, h * scale);
  blit(img, datasetImageRgba(ds, index), 0, 0, scale);
  return img;
}

/** The image trace and, when given, the heat map stretched over it (cells centred so the map covers exactly the image area). */
function overlayTraces(img: Rgba, heat: HeatMap | null, axes: { xaxis: string; yaxis: string }, heatStyle: Trace): Trace[] {
  const image: Trace = { type: 'image', source: pngDataUri(img), x0: 0, y0: 0, dx: 1, dy: 1, hoverinfo: 'skip', ...axes };
  if (heat == null) return [image];
  const { values, height, width } = heat;
  const z = Array.from({ length: height }, (_, r) => Array.from(values).slice(r * width, (r + 1) * width));
  return [
    image,
    { type: 'heatmap', z, x0: img.width / width / 2, dx: img.width / width, y0: img.height / height / 2, dy: img.height / height, zsmooth: 'best', ...axes, ...heatStyle },
  ];
}

/** Image axes: hidden, the image's pixel range, y down, square pixels. */
function imageAxes(img: Rgba, xName: string, extra: Record<string, unknown> = {}): Record<string, unknown>[] {
  const off = { visible: false, showgrid: false, zeroline: false };
  return [
    { ...off, range: [0, img.width], constrain: 'domain', ...extra },
    { ...off, range: [img.height, 0], scaleanchor: xName, ...extra },
  ];
}

/**
 * A heat map drawn over one dataset image (Grad-CAM input): the image de-normalised with the
 * dataset's mean/std, the heat map stretched over it whatever its resolution, with a colour bar.
 */
export function heatmapOverlay(ds: Dataset, id: number, heat: HeatMap, opts: HeatmapOverlayOptions = {}): Figure {
  checkHeatMap(heat, 'heatmapOverlay');
  const [idx] = indicesOfIds(ds, [id]);
  const img = scaledImage(ds, idx, opts.scale ?? Math.max(1, Math.round(280 / ds.shape[1])));
  const [xaxis, yaxis] = imageAxes(img, 'x');
  return {
    data: overlayTraces(img, heat, { xaxis: 'x', yaxis: 'y' }, { opacity: opts.opacity ?? 0.45, colorscale: opts.colorscale ?? 'Jet', colorbar: { thickness: 12 } }),
    layout: baseLayout(opts.title ?? `${ds.classNames[ds.labels[idx]] ?? ds.labels[idx]} #${id}`, {
      width: img.width + 140,
      height: img.height + 80,
      margin: { l: 20, r: 20, t: 50, b: 20 },
      xaxis,
      yaxis,
    }),
  };
}

/** One row of an overlay grid: a model (or method) and its heat map of each image, in the order of the ids. */
export interface HeatMapRow {
  name: string;
  maps: HeatMap[];
}

export interface HeatmapGridOptions extends HeatmapOverlayOptions {
  /** A first row with the plain images, so they can be seen without the heat (default true). */
  showImages?: boolean;
}

/** Pixels around grid cells: row names on the left, the colour bar on the right, column titles on top, gaps between cells. */
const GRID = { left: 100, right: 90, top: 50, columnTitle: 36, gap: 8, bottom: 10 };

/**
 * Heat maps of several models over the same images as one grid (Fig. 5 of the SULI paper): a row per
 * model, a column per image titled with its class and id, one colour bar shared by every cell so the
 * colours compare across models, and optionally the plain images as the first row.
 */
export function heatmapOverlayGrid(ds: Dataset, ids: ArrayLike<number>, rows: HeatMapRow[], opts: HeatmapGridOptions = {}): Figure {
  const idList = Array.from(ids);
  if (idList.length === 0) throw new Error('heatmapOverlayGrid: no image ids given; pass the ids the heat maps explain.');
  if (rows.length === 0) throw new Error('heatmapOverlayGrid: no rows given; pass [{ name, maps }] with one heat map per id.');
  for (const r of rows) {
    if (r.maps.length !== idList.length) throw new Error(`heatmapOverlayGrid: row '${r.name}' has ${r.maps.length} heat maps for ${idList.length} ids; pass one per id.`);
    r.maps.forEach((m, j) => checkHeatMap(m, `heatmapOverlayGrid row '${r.name}', image ${j}`));
  }
  const indices = indicesOfIds(ds, idList);
  const images = Array.from(indices, (idx) => scaledImage(ds, idx, opts.scale ?? Math.max(1, Math.round(112 / ds.shape[1]))));
  const grid: { name: string; maps: (HeatMap | null)[] }[] = [...(opts.showImages ?? true ? [{ name: 'image', maps: idList.map(() => null) }] : []), ...rows];
  const all = rows.flatMap((r) => r.maps.flatMap((m) => Array.from(m.values)));
  // Shared colour scale over every map, so one colour is one value in every cell.
  const coloraxis = { colorscale: opts.colorscale ?? 'Jet', cmin: Math.min(...all), cmax: Math.max(...all), colorbar: { thickness: 12, len: 0.8 } };
  const cellW = images[0].width;
  const cellH = images[0].height;
  const plotW = idList.length * cellW + (idList.length - 1) * GRID.gap;
  const plotH = grid.length * cellH + (grid.length - 1) * GRID.gap;
  const data: Trace[] = [];
  const layout: Record<string, unknown> = {};
  const annotations: Record<string, unknown>[] = [];
  grid.forEach((row, r) => {
    // Paper coordinates run bottom-up; row 0 is the top one.
    const y1 = 1 - (r * (cellH + GRID.gap)) / plotH;
    const y0 = y1 - cellH / plotH;
    annotations.push({ text: `<b>${row.name}</b>`, xref: 'paper', yref: 'paper', x: 0, y: (y0 + y1) / 2, xanchor: 'right', xshift: -8, showarrow: false, font: { size: 13 } });
    row.maps.forEach((heat, c) => {
      const k = r * idList.length + c + 1;
      const suffix = k === 1 ? '' : String(k);
      const x0 = (c * (cellW + GRID.gap)) / plotW;
      const [xaxis, yaxis] = imageAxes(images[c], `x${suffix}`);
      layout[`xaxis${suffix}`] = { ...xaxis, domain: [x0, x0 + cellW / plotW], anchor: `y${suffix}` };
      layout[`yaxis${suffix}`] = { ...yaxis, domain: [y0, y1], anchor: `x${suffix}` };
      data.push(...overlayTraces(images[c], heat, { xaxis: `x${suffix}`, yaxis: `y${suffix}` }, { opacity: opts.opacity ?? 0.45, coloraxis: 'coloraxis', hovertemplate: `${row.name}, #${idList[c]}: %{z:.2f}<extra></extra>` }));
    });
  });
  idList.forEach((id, c) => {
    const cls = ds.classNames[ds.labels[indices[c]]] ?? String(ds.labels[indices[c]]);
    annotations.push({ text: `${cls}<br>#${id}`, xref: 'paper', yref: 'paper', x: (c * (cellW + GRID.gap) + cellW / 2) / plotW, y: 1, yanchor: 'bottom', yshift: 4, showarrow: false, font: { size: 12 } });
  });
  const width = GRID.left + plotW + GRID.right;
  const top = GRID.top + GRID.columnTitle;
  return {
    data,
    layout: baseLayout(opts.title ?? `Heat maps of ${rows.length} models over ${idList.length} images`, {
      width,
      height: top + plotH + GRID.bottom,
      margin: { l: GRID.left, r: GRID.right, t: top, b: GRID.bottom },
      showlegend: false,
      coloraxis,
      annotations,
      ...layout,
    }),
  };
}

// Pictures the page draws itself, as SVG documents (text), for slides: the
// loss chart with axes and a legend, and — with three or more classes, which
// the server's one-value boundary picture does not cover — the output
// heatmap as the page shows it, with axes, points and the classes' legend.
// svgToPng() rasterises either (the browser's own SVG renderer).

import { classCss } from "./classcolors.js";
import { markMarkup } from "./shapes.js";
import { css } from "./colors.js";
import { classLabels } from "./classmetrics.js";
import { t } from "./i18n.js";

const FONT = "Roboto, 'Helvetica Neue', Arial, 'Apple SD Gothic Neo', 'Malgun Gothic', 'Noto Sans KR', 'Noto Sans CJK KR', sans-serif";

const escape = (text) => String(text).replace(/[&<>"]/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[ch]);
const fixed = (v) => Number(v.toFixed(2));

function documentOf(width, height, body) {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT}">`
    + `<rect width="${width}" height="${height}" fill="#fff"/>${body}</svg>`;
}

/** About `count` round tick values covering [lo, hi] (steps of 1, 2 or 5 × 10ⁿ). */
export function niceTicks(lo, hi, count = 5) {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((k) => k * power).find((s) => s >= raw) || 10 * power;
  const ticks = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

/** The loss chart: points [[epoch, train, test], ...] since the last reset. */
export function lossChartSvg(points) {
  const W = 640;
  const H = 360;
  const box = { left: 64, right: W - 20, top: 40, bottom: H - 50 };
  const finite = points.flatMap((p) => [p[1], p[2]]).filter(Number.isFinite);
  const x0 = points.length ? points[0][0] : 0;
  const x1 = points.length > 1 ? points[points.length - 1][0] : x0 + 1;
  const y0 = Math.min(0, ...finite);
  const y1 = finite.length ? Math.max(...finite) : 1;
  const sx = (v) => box.left + ((v - x0) / (x1 - x0 || 1)) * (box.right - box.left);
  const sy = (v) => box.bottom - ((v - y0) / (y1 - y0 || 1)) * (box.bottom - box.top);
  let body = "";
  for (const v of niceTicks(y0, y1)) {
    body += `<line x1="${box.left}" x2="${box.right}" y1="${fixed(sy(v))}" y2="${fixed(sy(v))}" stroke="#eee"/>`;
    body += `<text x="${box.left - 8}" y="${fixed(sy(v) + 4)}" font-size="12" fill="#555" text-anchor="end">${v}</text>`;
  }
  for (const v of niceTicks(x0, x1)) {
    body += `<line x1="${fixed(sx(v))}" x2="${fixed(sx(v))}" y1="${box.bottom}" y2="${box.bottom + 5}" stroke="#999"/>`;
    body += `<text x="${fixed(sx(v))}" y="${box.bottom + 19}" font-size="12" fill="#555" text-anchor="middle">${v.toLocaleString("en-US")}</text>`;
  }
  body += `<line x1="${box.left}" x2="${box.right}" y1="${box.bottom}" y2="${box.bottom}" stroke="#999"/>`;
  body += `<line x1="${box.left}" x2="${box.left}" y1="${box.top}" y2="${box.bottom}" stroke="#999"/>`;
  const curves = [["train", 1, "#777"], ["test", 2, "#000"]];
  for (const [name, k, color] of curves) {
    let d = "";
    let pen = "M";
    for (const p of points) {
      if (!Number.isFinite(p[k])) {
        pen = "M"; // NaN breaks the line, as on the page
        continue;
      }
      d += `${pen}${fixed(sx(p[0]))},${fixed(sy(p[k]))}`;
      pen = "L";
    }
    body += `<path class="${name}" d="${d}" fill="none" stroke="${color}" stroke-width="2"/>`;
  }
  body += `<text x="${(box.left + box.right) / 2}" y="${H - 12}" font-size="13" fill="#333" text-anchor="middle">${escape(t("field.epoch"))}</text>`;
  body += `<text transform="translate(16 ${(box.top + box.bottom) / 2}) rotate(-90)" font-size="13" fill="#333" text-anchor="middle">${escape(t("chart.loss_axis"))}</text>`;
  const legend = [[t("output.train_loss"), "#777"], [t("output.test_loss"), "#000"]];
  legend.forEach(([label, color], k) => {
    const x = box.right - 300 + 150 * k;
    body += `<line x1="${x}" x2="${x + 22}" y1="20" y2="20" stroke="${color}" stroke-width="2"/>`;
    body += `<text x="${x + 28}" y="24" font-size="13" fill="#333">${escape(label)}</text>`;
  });
  return documentOf(W, H, body);
}

/** The output heatmap with three or more classes, as the page paints it:
 * image: a data: URL of the 100 × 100 picture; train, test: points; caption. */
export function classBoundarySvg({ image, train, test, classes, caption }) {
  const S = 480;
  const box = { left: 50, top: 20 };
  const W = box.left + S + 30;
  const H = box.top + S + 100;
  const px = (v) => box.left + ((v + 6) / 12) * S;
  const py = (v) => box.top + ((6 - v) / 12) * S;
  let body = `<image href="${image}" x="${box.left}" y="${box.top}" width="${S}" height="${S}" preserveAspectRatio="none"/>`;
  for (let v = -6; v <= 6; v += 2) {
    const label = String(v).replace("-", "\u2212");
    body += `<text x="${fixed(px(v))}" y="${box.top + S + 18}" font-size="12" fill="#555" text-anchor="middle">${label}</text>`;
    body += `<text x="${box.left - 8}" y="${fixed(py(v) + 4)}" font-size="12" fill="#555" text-anchor="end">${label}</text>`;
  }
  body += `<rect x="${box.left}" y="${box.top}" width="${S}" height="${S}" fill="none" stroke="#999"/>`;
  const dot = (rows, stroke) => {
    for (const [x, y, label] of rows) {
      if (Math.abs(x) > 6 || Math.abs(y) > 6) continue;
      body += markMarkup(label, classes, px(x), py(y), 4 / 3, `fill="${classes > 2 ? classCss(label) : css(label)}" stroke="${stroke}"`);
    }
  };
  dot(train, "#fff");
  dot(test, "#000");
  classLabels(classes).forEach((label, k) => {
    const x = box.left + 110 * k;
    const y = box.top + S + 48;
    body += markMarkup(k, classes, x + 6, y - 4, 2, `fill="${classCss(k)}" stroke="#333" stroke-width="0.8"`); // its shape too
    body += `<text x="${x + 18}" y="${y}" font-size="14" fill="#333">${escape(t("metrics.class", { label }))}</text>`;
  });
  body += `<text x="${box.left}" y="${box.top + S + 80}" font-size="13" fill="#555">${escape(caption)}</text>`;
  return documentOf(W, H, body);
}

/** An SVG document (text) as a PNG blob, `scale` times its size. */
export async function svgToPng(svgText, scale = 2) {
  const size = svgText.match(/width="(\d+)" height="(\d+)"/);
  const [width, height] = [Number(size[1]), Number(size[2])];
  const url = URL.createObjectURL(new Blob([svgText], { type: "image/svg+xml" }));
  try {
    const image = new Image();
    await new Promise((resolve, reject) => {
      image.onload = resolve;
      image.onerror = () => reject(new Error("the picture could not be drawn"));
      image.src = url;
    });
    const canvas = document.createElement("canvas");
    canvas.width = width * scale;
    canvas.height = height * scale;
    const ctx = canvas.getContext("2d");
    ctx.scale(scale, scale);
    ctx.drawImage(image, 0, 0, width, height);
    return await new Promise((resolve) => canvas.toBlob(resolve, "image/png"));
  } finally {
    URL.revokeObjectURL(url);
  }
}

// "Download picture": the output and the loss chart for slides, as SVG or
// PNG. The output comes from the server (GET .../boundary: format=svg, or
// format=png with axes=true; in Korean the SVG is rasterised here, as the
// server's PNG font has no Hangul). With three or more classes the server
// draws no one-value picture: the page draws what it shows (figures.js).
// The loss chart is always drawn here, from the points the chart holds.

import { classBoundarySvg, lossChartSvg, svgToPng } from "./figures.js";
import { downloadFrom, fileStem, refusal, saveBlob } from "./files.js";
import { language, t } from "./i18n.js";
import { tipNumber } from "./linechart.js";

const PNG_SIDE = 600; // the server's PNG, pixels a side

export class Pictures {
  /** api: "/api"; heatmap, chart: the page's; handlers: session() -> {id, state}, onMessage(text). */
  constructor(api, heatmap, chart, handlers) {
    this.api = api;
    this.heatmap = heatmap;
    this.chart = chart;
    this.handlers = handlers;
    const dialog = document.getElementById("picture-dialog");
    document.getElementById("picture-button").addEventListener("click", () => dialog.showModal());
    for (const button of dialog.querySelectorAll("[data-picture]")) {
      button.addEventListener("click", () => this.make(button.dataset.picture, button.dataset.format));
    }
  }

  async make(what, format) {
    const session = this.handlers.session();
    const { id, state } = session;
    if (!state) return;
    const name = `${fileStem(session)}-${what}.${format}`;
    try {
      if (what === "chart") await this.save(lossChartSvg(this.chart.points), format, name);
      else if (state.shape.at(-1) > 1) await this.save(this.classPicture(state), format, name);
      else await this.boundary(id, state, format, name);
    } catch (error) {
      this.handlers.onMessage(t("files.save_failed", { detail: error.message }));
    }
  }

  /** An SVG document saved as it is, or as a PNG. */
  async save(svg, format, name) {
    const blob = format === "svg" ? new Blob([svg], { type: "image/svg+xml" }) : await svgToPng(svg);
    saveBlob(blob, name);
  }

  /** The server's figure: axes, ticks, the points shown, a legend and a caption. */
  async boundary(id, state, format, name) {
    const points = state.config.showTestData ? "both" : "train";
    const base = `${this.api}/sessions/${encodeURIComponent(id)}/boundary?points=${points}`;
    const lang = language();
    if (format === "png" && lang === "en") {
      await downloadFrom(`${base}&format=png&axes=true&size=${PNG_SIDE}`, name);
      return;
    }
    const response = await fetch(`${base}&format=svg&lang=${lang}`);
    if (!response.ok) throw new Error(await refusal(response));
    await this.save(await response.text(), format, name);
  }

  /** Three or more classes: the heatmap as painted, with axes, points and the classes. */
  classPicture(state) {
    const frame = this.handlers.session().frame;
    const [epoch, train, test] = frame ? [frame.epoch, frame.lossTrain, frame.lossTest] : [state.epoch, state.loss_train, state.loss_test];
    return classBoundarySvg({
      image: this.heatmap.outputPicture(),
      train: state.train,
      test: state.config.showTestData ? state.test : [],
      classes: state.shape.at(-1),
      caption: t("chart.tip", { epoch: Math.round(epoch).toLocaleString("en-US"), train: tipNumber(train), test: tipNumber(test) }),
    });
  }
}

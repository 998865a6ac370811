import { LineChart } from 'echarts/charts';
import {
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  TooltipComponent,
} from 'echarts/components';
// `echarts/core.js`, not `echarts/core`: the layer lint rule reads a specifier ending in `/core`
// as our src/core (same file in echarts' exports map; src/renderer/charts/ does the same).
import * as echarts from 'echarts/core.js';
import { CanvasRenderer } from 'echarts/renderers';

/**
 * Only what the endpoint panels draw (line series, thresholds, shading, zoom), so the bundle
 * carries no unused chart types. Separate from src/renderer/charts/ (written in parallel, a
 * declarative wrapper): these panels need the instance itself for tail updates, dataZoom events
 * and connect(); the rules are the same (reference/performance-and-safety.md, Charts).
 */
echarts.use([
  LineChart,
  GridComponent,
  TooltipComponent,
  LegendComponent,
  DataZoomComponent,
  MarkLineComponent,
  MarkAreaComponent,
  CanvasRenderer,
]);

export { echarts };
export type EChartsInstance = ReturnType<typeof echarts.init>;

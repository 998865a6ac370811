import { ScatterChart, TreemapChart } from 'echarts/charts';
import { GeoComponent, TooltipComponent } from 'echarts/components';
// `echarts/core.js`, not `echarts/core`: the layer lint rule (eslint.config.js) reads any
// specifier ending in `/core` as our src/core. Both are the same file in echarts' exports map.
import * as echarts from 'echarts/core.js';
import { CanvasRenderer } from 'echarts/renderers';

/**
 * Only the ECharts parts the console draws, so the bundle carries no unused chart types
 * (echarts/core tree-shaking; the full `echarts` import is about three times the size).
 * Views that need another series type add it here.
 */
echarts.use([ScatterChart, TreemapChart, GeoComponent, TooltipComponent, CanvasRenderer]);

export { echarts };
export type { EChartsCoreOption, ECElementEvent, EChartsType } from 'echarts/core.js';

import { ScatterChart, TreemapChart } from 'echarts/charts';
import { GeoComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

/**
 * Only the ECharts parts the console draws, so the bundle carries no unused chart types
 * (echarts/core tree-shaking; the full `echarts` import is about three times the size).
 * Views that need another series type add it here.
 */
echarts.use([ScatterChart, TreemapChart, GeoComponent, TooltipComponent, CanvasRenderer]);

export { echarts };
export type { EChartsCoreOption, ECElementEvent, EChartsType } from 'echarts/core.js';

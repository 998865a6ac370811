import { LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import { echarts } from '../../charts/echarts-setup';

/**
 * The chart parts a timeline snapshot draws beyond what charts/echarts-setup.ts registers for the
 * Fleet view (as spend-echarts.ts does): lines and the SLO threshold. echarts.use is idempotent
 * and global, so the shared setup file stays untouched.
 */
echarts.use([LineChart, GridComponent, LegendComponent, MarkLineComponent, TooltipComponent]);

export { EChart } from '../../charts/EChart';
export type { EChartsCoreOption } from '../../charts/echarts-setup';

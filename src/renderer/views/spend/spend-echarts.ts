import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { echarts } from '../../charts/echarts-setup';

/**
 * The chart types the Spend view draws beyond what charts/echarts-setup.ts registers for the
 * Fleet view. echarts.use is idempotent and global, so registering here keeps the shared setup
 * file untouched while the Spend panels still go through the one EChart wrapper.
 */
echarts.use([LineChart, BarChart, GridComponent, LegendComponent, TooltipComponent]);

export { EChart } from '../../charts/EChart';
export type { EChartsCoreOption } from '../../charts/echarts-setup';

import type { EndpointDetail } from '../../stores/endpoint-detail.slice';
import { detailHash } from '../endpoints/url-state';
import { HealthBadge } from '../endpoints/endpoint-icons';

/** Replicas, pods, nodes (GPU type, allocation, price, problems) and the traffic split. */
export function KubernetesDetails({ detail }: { detail: EndpointDetail }) {
  const { endpoint: e, pods, nodes, siblings } = detail;
  const versions = [e, ...siblings].filter((v) => v.trafficPercent !== null);
  return (
    <div className="k8s-details" data-testid="k8s-details">
      <section className="panel">
        <h3>Replicas &amp; placement</h3>
        <dl className="facts">
          <dt>Replicas</dt>
          <dd data-testid="detail-replicas">
            {e.replicas.ready} of {e.replicas.desired} ready
          </dd>
          <dt>Target</dt>
          <dd>
            {e.target.kind} {e.namespace ? `${e.namespace}/` : ''}
            {e.target.name}
          </dd>
          <dt>Runtime</dt>
          <dd>{e.runtime}</dd>
          <dt>GPUs</dt>
          <dd>
            {e.gpus} {e.gpuType ?? ''}
          </dd>
          <dt>Cluster</dt>
          <dd>
            {e.cluster} · {e.region}
          </dd>
        </dl>
      </section>
      {versions.length > 1 ? (
        <section className="panel" data-testid="traffic-split">
          <h3>Traffic split</h3>
          <ul className="traffic">
            {versions.map((v) => (
              <li key={v.id}>
                <span className="traffic-name">
                  {v.id === e.id ? (
                    <strong>{v.version} (this)</strong>
                  ) : (
                    <a className="link" href={detailHash(v.id)}>
                      {v.version}
                    </a>
                  )}
                </span>
                <span className="traffic-bar" aria-hidden="true">
                  <span style={{ width: `${v.trafficPercent ?? 0}%` }} />
                </span>
                <span className="traffic-pct">{v.trafficPercent ?? 0} %</span>
                <HealthBadge status={v.health.status} />
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <section className="panel">
        <h3>Pods ({pods.length})</h3>
        {pods.length === 0 ? (
          <p className="muted">No pods reported for this endpoint.</p>
        ) : (
          <table className="detail-table" data-testid="pods-table">
            <thead>
              <tr>
                <th>Pod</th>
                <th>Phase</th>
                <th>Ready</th>
                <th className="num">Restarts</th>
                <th>Node</th>
              </tr>
            </thead>
            <tbody>
              {pods.map((p) => (
                <tr key={p.name} data-testid="pod-row" className={p.ready ? '' : 'row-warn'}>
                  <td className="mono">{p.name}</td>
                  <td>{p.phase}</td>
                  <td>{p.ready ? '✓ ready' : '✗ not ready'}</td>
                  <td className={`num${p.restarts > 0 ? ' warn-text' : ''}`}>{p.restarts}</td>
                  <td className="mono">{p.node ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section className="panel">
        <h3>Nodes ({nodes.length})</h3>
        {nodes.length === 0 ? (
          <p className="muted">No nodes reported (a hosted API has none).</p>
        ) : (
          <table className="detail-table" data-testid="nodes-table">
            <thead>
              <tr>
                <th>Node</th>
                <th>Zone</th>
                <th>Instance</th>
                <th>GPU</th>
                <th className="num">Allocated</th>
                <th className="num">$/h</th>
                <th>Problems</th>
              </tr>
            </thead>
            <tbody>
              {nodes.map((n) => (
                <tr key={n.id} className={n.ready && n.problems.length === 0 ? '' : 'row-warn'}>
                  <td className="mono">
                    {n.name}
                    {n.ready ? '' : ' (not ready)'}
                  </td>
                  <td>{n.zone ?? '—'}</td>
                  <td>{n.instanceType ?? '—'}</td>
                  <td>{n.gpuProduct ?? '—'}</td>
                  <td className="num">
                    {n.gpuAllocated}/{n.gpuCapacity}
                  </td>
                  <td className="num">
                    {n.hourlyPriceUsd === null ? '—' : `$${n.hourlyPriceUsd.toFixed(2)}`}
                  </td>
                  <td>{n.problems.length ? `⚠ ${n.problems.join('; ')}` : 'none'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}

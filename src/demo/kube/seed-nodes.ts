import { createHash } from 'node:crypto';
import type { DemoCluster } from '../fleet-definition';
import { demoLabels, type KubeObject } from './object-store.types';

/**
 * GPU nodes for a demo cluster, one per node of each pool, labelled the way cloud node pools and
 * the NVIDIA GPU operator label them (instance type, region, zones spread round-robin, GPU
 * product and count, the pool), with GPU capacity, an hourly price and a Ready kubelet.
 */
export const poolLabel = 'fleetdeck.io/pool';

const cloudPoolLabel: Record<DemoCluster['cloud'], string> = {
  aws: 'eks.amazonaws.com/nodegroup',
  gcp: 'cloud.google.com/gke-nodepool',
  azure: 'kubernetes.azure.com/agentpool',
};

const osImage: Record<DemoCluster['cloud'], [string, string]> = {
  aws: ['Amazon Linux 2023.6.20250303', '6.1.129-138.220.amzn2023.x86_64'],
  gcp: ['Container-Optimized OS from Google', '6.6.72+'],
  azure: ['Ubuntu 22.04.5 LTS', '5.15.0-1079-azure'],
};

/** vCPU and GiB per node for the instance types in the demo; others scale with the GPU count. */
const machineShapes: Record<string, [number, number]> = {
  'p5.48xlarge': [192, 2048],
  'p4d.24xlarge': [96, 1152],
  'g5.12xlarge': [48, 192],
  'g5.48xlarge': [192, 768],
  'g4dn.12xlarge': [48, 192],
  'a2-ultragpu-8g': [96, 1360],
  'a3-highgpu-8g': [208, 1872],
  'g2-standard-48': [48, 192],
};

export function nodeObjects(cluster: DemoCluster, clusterIndex: number): KubeObject[] {
  const nodes: KubeObject[] = [];
  cluster.nodePools.forEach((pool, poolIndex) => {
    const [cpus, memoryGi] = machineShapes[pool.instanceType] ?? [
      pool.gpusPerNode * 12,
      pool.gpusPerNode * 96,
    ];
    for (let i = 0; i < pool.nodes; i++) {
      const name = `${cluster.name}-${pool.name}-${i}`;
      const zone = cluster.zones[i % cluster.zones.length] ?? cluster.region;
      const ip = `10.${clusterIndex % 256}.${(poolIndex * 16 + Math.floor(i / 250)) % 256}.${(i % 250) + 4}`;
      const memoryKi = memoryGi * 1024 * 1024;
      nodes.push({
        apiVersion: 'v1',
        kind: 'Node',
        metadata: {
          name,
          labels: {
            'kubernetes.io/hostname': name,
            'kubernetes.io/os': 'linux',
            'kubernetes.io/arch': 'amd64',
            'node.kubernetes.io/instance-type': pool.instanceType,
            'topology.kubernetes.io/region': cluster.region,
            'topology.kubernetes.io/zone': zone,
            'nvidia.com/gpu.product': pool.gpuProduct,
            'nvidia.com/gpu.count': String(pool.gpusPerNode),
            'nvidia.com/gpu.present': 'true',
            [poolLabel]: pool.name,
            [cloudPoolLabel[cluster.cloud]]: pool.name,
          },
          annotations: { [demoLabels.nodeHourlyPrice]: String(pool.hourlyPriceUsd) },
        },
        spec: {
          providerID:
            cluster.cloud === 'aws'
              ? `aws:///${zone}/i-0${createHash('sha1').update(name).digest('hex').slice(0, 16)}`
              : cluster.cloud === 'gcp'
                ? `gce://fleetdeck-demo/${zone}/${name}`
                : `azure:///subscriptions/demo/resourceGroups/fleetdeck/providers/Microsoft.Compute/virtualMachines/${name}`,
        },
        status: {
          capacity: {
            cpu: String(cpus),
            memory: `${memoryKi}Ki`,
            pods: '110',
            'ephemeral-storage': '524288000Ki',
            'nvidia.com/gpu': String(pool.gpusPerNode),
          },
          allocatable: {
            cpu: `${cpus * 1000 - 500}m`,
            memory: `${memoryKi - 2 * 1024 * 1024}Ki`,
            pods: '110',
            'ephemeral-storage': '483183820Ki',
            'nvidia.com/gpu': String(pool.gpusPerNode),
          },
          conditions: [
            [
              'MemoryPressure',
              'False',
              'KubeletHasSufficientMemory',
              'kubelet has sufficient memory available',
            ],
            ['DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'],
            ['PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'],
            ['Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'],
          ].map(([type, status, reason, message]) => ({
            type,
            status,
            reason,
            message,
            lastHeartbeatTime: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
            lastTransitionTime: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
          })),
          addresses: [
            { type: 'InternalIP', address: ip },
            { type: 'Hostname', address: name },
          ],
          nodeInfo: {
            kubeletVersion: 'v1.32.4',
            kubeProxyVersion: 'v1.32.4',
            containerRuntimeVersion: 'containerd://1.7.23',
            osImage: osImage[cluster.cloud][0],
            kernelVersion: osImage[cluster.cloud][1],
            operatingSystem: 'linux',
            architecture: 'amd64',
            machineID: createHash('md5').update(`machine/${name}`).digest('hex'),
            systemUUID: createHash('md5').update(`system/${name}`).digest('hex'),
            bootID: createHash('md5').update(`boot/${name}`).digest('hex'),
          },
        },
      });
    }
  });
  return nodes;
}

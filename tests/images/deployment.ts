// What k8s/base gives the CPU worker's container: its environment resolved from the ConfigMap, its
// args, its volume mounts and the pod's termination grace — read from the manifests themselves.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROOT } from '../helpers/cli.js';

interface EnvVar { name: string; value?: string; valueFrom?: { configMapKeyRef?: { name: string; key: string } } }
interface Container { args: string[]; env: EnvVar[]; volumeMounts: { name: string; mountPath: string }[] }

export interface WorkerPod {
  env: Record<string, string>;
  args: string[];
  /** mountPath by volume name. */
  mounts: Record<string, string>;
  terminationGracePeriodSeconds: number;
}

export function cpuWorkerPod(): WorkerPod {
  const read = (file: string) => parse(readFileSync(join(ROOT, 'k8s/base', file), 'utf8'));
  const config = read('configmap.yaml') as { metadata: { name: string }; data: Record<string, string> };
  const deployment = read('worker-cpu.yaml') as { spec: { template: { spec: { terminationGracePeriodSeconds: number; containers: Container[] } } } };
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0];
  const env = Object.fromEntries(container.env.map((e) => {
    const ref = e.valueFrom?.configMapKeyRef;
    if (ref && ref.name !== config.metadata.name) throw new Error(`k8s/base/worker-cpu.yaml: env ${e.name} names ConfigMap ${ref.name}, expected ${config.metadata.name}`);
    const value = ref ? config.data[ref.key] : e.value;
    if (value === undefined) throw new Error(`k8s/base/worker-cpu.yaml: env ${e.name} has no value (ConfigMap key ${ref?.key} missing?)`);
    return [e.name, value];
  }));
  return {
    env,
    args: container.args,
    mounts: Object.fromEntries(container.volumeMounts.map((m) => [m.name, m.mountPath])),
    terminationGracePeriodSeconds: pod.terminationGracePeriodSeconds,
  };
}

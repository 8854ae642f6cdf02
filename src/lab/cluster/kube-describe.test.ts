import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeNode } from './kube-describe-node.ts';
import { describePod } from './kube-describe-pod.ts';
import { fixtureEvent, fixtureSnapshot, NOW } from './kube-fixtures.ts';
import type { ClusterSnapshot, LabPod } from './objects.ts';

/** Lines joined with newlines; `·` stands for a trailing space (kubectl pads empty last cells). */
function text(lines: readonly string[]): string {
  return lines.join('\n').replace(/·/g, ' ');
}

function pod(snapshot: ClusterSnapshot, name: string): LabPod {
  return snapshot.pods.find((p) => p.name === name)!;
}

describe('describePod()', () => {
  it('describes a Running deployment pod like kubectl describe pod', () => {
    const snapshot = fixtureSnapshot();
    assert.equal(describePod(snapshot, pod(snapshot, 'web-5b8c6d7f9x-abcde'), NOW), text([
      'Name:             web-5b8c6d7f9x-abcde',
      'Namespace:        default',
      'Priority:         0',
      'Service Account:  default',
      'Node:             ip-192-168-12-34.us-west-2.compute.internal/192.168.12.34',
      'Start Time:       Mon, 15 Jan 2024 11:56:51 +0000',
      'Labels:           app=web',
      '                  pod-template-hash=5b8c6d7f9x',
      'Annotations:      <none>',
      'Status:           Running',
      'IP:               192.168.20.5',
      'IPs:',
      '  IP:           192.168.20.5',
      'Controlled By:  Deployment/web',
      'Containers:',
      '  httpd:',
      '    Container ID:   vpcnet-lab://a1b2c3',
      '    Image:          httpd',
      '    Image ID:·······',
      '    Port:           <none>',
      '    Host Port:      <none>',
      '    State:          Running',
      '      Started:      Mon, 15 Jan 2024 11:56:51 +0000',
      '    Ready:          True',
      '    Restart Count:  0',
      '    Environment:    <none>',
      '    Mounts:         <none>',
      'Conditions:',
      '  Type                        Status',
      '  PodReadyToStartContainers   True·',
      '  Initialized                 True·',
      '  Ready                       True·',
      '  ContainersReady             True·',
      '  PodScheduled                True·',
      'Volumes:                      <none>',
      'QoS Class:                    BestEffort',
      'Node-Selectors:               <none>',
      'Tolerations:                  node.kubernetes.io/not-ready:NoExecute op=Exists for 300s',
      '                              node.kubernetes.io/unreachable:NoExecute op=Exists for 300s',
      'Events:',
      '  Type    Reason     Age    From               Message',
      '  ----    ------     ----   ----               -------',
      '  Normal  Scheduled  3m12s  default-scheduler  Successfully assigned default/web-5b8c6d7f9x-abcde to ip-192-168-12-34.us-west-2.compute.internal',
      '',
    ]));
  });

  it('describes an unschedulable Pending pod with its FailedScheduling warning', () => {
    const snapshot = fixtureSnapshot();
    assert.equal(describePod(snapshot, pod(snapshot, 'web-5b8c6d7f9x-zzzzz'), NOW), text([
      'Name:             web-5b8c6d7f9x-zzzzz',
      'Namespace:        default',
      'Priority:         0',
      'Service Account:  default',
      'Node:             <none>',
      'Labels:           app=web',
      '                  pod-template-hash=5b8c6d7f9x',
      'Annotations:      <none>',
      'Status:           Pending',
      'Message:          0/2 nodes are available: 1 Too many pods, 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }.',
      'IP:···············',
      'IPs:              <none>',
      'Controlled By:    Deployment/web',
      'Containers:',
      '  httpd:',
      '    Image:        httpd',
      '    Port:         <none>',
      '    Host Port:    <none>',
      '    Environment:  <none>',
      '    Mounts:       <none>',
      'Conditions:',
      '  Type           Status',
      '  PodScheduled   False·',
      'Volumes:         <none>',
      'QoS Class:       BestEffort',
      'Node-Selectors:  <none>',
      'Tolerations:     node.kubernetes.io/not-ready:NoExecute op=Exists for 300s',
      '                 node.kubernetes.io/unreachable:NoExecute op=Exists for 300s',
      'Events:',
      '  Type     Reason            Age                From               Message',
      '  ----     ------            ----               ----               -------',
      '  Warning  FailedScheduling  90s (x4 over 10m)  default-scheduler  0/2 nodes are available: 1 Too many pods, 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }.',
      '',
    ]));
  });

  it('lists only the events about that pod, oldest last-seen first, and <none> without any', () => {
    const snapshot = fixtureSnapshot();
    const shell = pod(snapshot, 'shell');
    assert.match(describePod(snapshot, shell, NOW), /\nEvents: +<none>\n$/);
    const about = { kind: 'Pod' as const, namespace: 'default', name: 'shell' };
    const events = [
      fixtureEvent({ involved: about, reason: 'Pulled', message: 'second', firstTimestamp: '2024-01-15T11:59:40Z', lastTimestamp: '2024-01-15T11:59:40Z' }),
      fixtureEvent({ involved: about, message: 'first', firstTimestamp: '2024-01-15T11:59:15Z', lastTimestamp: '2024-01-15T11:59:15Z' }),
      fixtureEvent({ involved: { ...about, namespace: 'other' }, message: 'same name, other namespace' }),
      fixtureEvent({ involved: { kind: 'Node', namespace: undefined, name: 'shell' }, message: 'a node called shell' }),
    ];
    const described = describePod({ ...snapshot, events }, shell, NOW);
    assert.ok(described.endsWith(text([
      'Events:',
      '  Type    Reason     Age   From               Message',
      '  ----    ------     ----  ----               -------',
      '  Normal  Scheduled  45s   default-scheduler  first',
      '  Normal  Pulled     20s   default-scheduler  second',
      '',
    ])), described);
  });

  it('shows a host-network system pod with its priority class, service account and node address', () => {
    const snapshot = fixtureSnapshot();
    const described = describePod(snapshot, pod(snapshot, 'aws-node-k7x2p'), NOW);
    assert.ok(described.startsWith(text([
      'Name:                 aws-node-k7x2p',
      'Namespace:            kube-system',
      'Priority:             2000001000',
      'Priority Class Name:  system-node-critical',
      'Service Account:      aws-node',
      'Node:                 ip-192-168-12-34.us-west-2.compute.internal/192.168.12.34',
    ])), described);
    assert.match(described, /\nTolerations: +op=Exists\n/);
    assert.match(described, /\n {2}aws-node:\n/);
  });

  it('shows a Terminating pod with its grace period and a CNI failure as its message', () => {
    const snapshot = fixtureSnapshot();
    const terminating = describePod(snapshot, { ...pod(snapshot, 'web-5b8c6d7f9x-abcde'), status: 'Terminating' }, NOW);
    assert.match(terminating, /\nStatus: +Terminating\nTermination Grace Period: +30s\n/);
    const failed = { ...pod(snapshot, 'shell'), status: 'Failed' as const, message: 'add cmd: pool-empty' };
    assert.match(describePod(snapshot, failed, NOW), /\nStatus: +Pending\nMessage: +add cmd: pool-empty\n/);
  });
});

describe('describeNode()', () => {
  it('describes a Ready node with its pods, the lab daemon section and its events', () => {
    const snapshot = fixtureSnapshot();
    assert.equal(describeNode(snapshot, snapshot.nodes[1]!, NOW), text([
      'Name:               ip-192-168-12-34.us-west-2.compute.internal',
      'Roles:              <none>',
      'Labels:             eks.amazonaws.com/nodegroup=ng-1',
      '                    kubernetes.io/arch=amd64',
      '                    kubernetes.io/hostname=ip-192-168-12-34.us-west-2.compute.internal',
      '                    kubernetes.io/os=linux',
      '                    node.kubernetes.io/instance-type=t3.medium',
      '                    topology.kubernetes.io/region=us-west-2',
      '                    topology.kubernetes.io/zone=us-west-2a',
      'Annotations:        <none>',
      'CreationTimestamp:  Mon, 15 Jan 2024 09:57:00 +0000',
      'Taints:             <none>',
      'Unschedulable:      false',
      'Conditions:',
      '  Type    Status  LastHeartbeatTime                 LastTransitionTime                Reason         Message',
      '  ----    ------  -----------------                 ------------------                ------         -------',
      '  Ready   True    Mon, 15 Jan 2024 12:00:00 +0000   Mon, 15 Jan 2024 09:57:00 +0000   KubeletReady   kubelet is posting ready status',
      'Addresses:',
      '  InternalIP:   192.168.12.34',
      '  ExternalIP:   54.12.0.7',
      '  InternalDNS:  ip-192-168-12-34.us-west-2.compute.internal',
      '  Hostname:     ip-192-168-12-34.us-west-2.compute.internal',
      'Capacity:',
      '  pods:  17',
      'Allocatable:',
      '  pods:               17',
      'ProviderID:           aws:///us-west-2a/i-0123456789abcdef0',
      'Non-terminated Pods:  (3 in total)',
      '  Namespace           Name                    Age',
      '  ---------           ----                    ---',
      '  default             shell                   45s',
      '  default             web-5b8c6d7f9x-abcde    3m12s',
      '  kube-system         aws-node-k7x2p          123m',
      'vpcnet-ipamd:',
      '  PID:       4242',
      '  Phase:     running',
      '  Restarts:  1',
      'Events:',
      '  Type    Reason     Age   From     Message',
      '  ----    ------     ----  ----     -------',
      '  Normal  NodeReady  123m  kubelet  Node ip-192-168-12-34.us-west-2.compute.internal status is now: NodeReady',
      '',
    ]));
  });

  it('describes a NotReady node with its taints, the kubelet reason and no pods', () => {
    const snapshot = fixtureSnapshot();
    assert.equal(describeNode(snapshot, snapshot.nodes[0]!, NOW), text([
      'Name:               ip-192-168-40-7.us-west-2.compute.internal',
      'Roles:              <none>',
      'Labels:             eks.amazonaws.com/nodegroup=ng-1',
      '                    kubernetes.io/arch=amd64',
      '                    kubernetes.io/hostname=ip-192-168-40-7.us-west-2.compute.internal',
      '                    kubernetes.io/os=linux',
      '                    node.kubernetes.io/instance-type=t3.medium',
      '                    topology.kubernetes.io/region=us-west-2',
      '                    topology.kubernetes.io/zone=us-west-2b',
      'Annotations:        <none>',
      'CreationTimestamp:  Fri, 12 Jan 2024 07:00:00 +0000',
      'Taints:             node.kubernetes.io/not-ready:NoExecute',
      '                    node.kubernetes.io/not-ready:NoSchedule',
      'Unschedulable:      false',
      'Conditions:',
      '  Type    Status  LastHeartbeatTime                 LastTransitionTime                Reason            Message',
      '  ----    ------  -----------------                 ------------------                ------            -------',
      '  Ready   False   Mon, 15 Jan 2024 12:00:00 +0000   Fri, 12 Jan 2024 07:00:00 +0000   KubeletNotReady   container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized',
      'Addresses:',
      '  InternalIP:   192.168.40.7',
      '  InternalDNS:  ip-192-168-40-7.us-west-2.compute.internal',
      '  Hostname:     ip-192-168-40-7.us-west-2.compute.internal',
      'Capacity:',
      '  pods:  17',
      'Allocatable:',
      '  pods:               17',
      'ProviderID:           aws:///us-west-2b/i-0fedcba9876543210',
      'Non-terminated Pods:  (0 in total)',
      '  Namespace           Name    Age',
      '  ---------           ----    ---',
      'vpcnet-ipamd:',
      '  PID:       <none>',
      '  Phase:     restarting',
      '  Restarts:  3',
      'Events:      <none>',
      '',
    ]));
  });
});

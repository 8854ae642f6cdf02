/**
 * Test support: an `ipam.json` as the Amazon VPC CNI's ipamd writes it (json.Encoder: compact, newline, Go map
 * order), on a node with a primary ENI (192.168.32.0/19 secondary IPs) and one secondary ENI. It mixes what a
 * node switching to vpcnet can hold: pods added by the current plugin, a pod recovered from CRI by CNI 1.7-1.11
 * (`_migrated-from-cri`, no interfacesCount), and an entry from before pod metadata was recorded.
 */

/** Container ids (64 hex, as containerd writes them). */
export const UPSTREAM_CONTAINERS = {
  coredns: '3f8a1c7e5b2d4096a8e1f0c3b7d9e2a4c6f8b0d2e4a6c8e0f2b4d6a8c0e2f4a6',
  samplePod: 'b26913f3b6009fc8e554ae62f6c43e27c8414af04cc6b708c1d8f416386f6bcd',
  migrated: '75ebe0da8b3f1e5ee3faab89e538fb32af7c038fd0cd0ebf39dee8e459d1788f',
  noMetadata: '0c1d2e3f405162738495a6b7c8d9eafb0c1d2e3f405162738495a6b7c8d9eafb',
  deletedPod: '9a8b7c6d5e4f30211203f4e5d6c7b8a99a8b7c6d5e4f30211203f4e5d6c7b8a9',
  oldSubnet: 'aa11bb22cc33dd44ee55ff6600112233445566778899aabbccddeeff00112233',
} as const;

const C = UPSTREAM_CONTAINERS;

/** The file, byte for byte. */
export const UPSTREAM_CHECKPOINT = `{"version":"vpc-cni-ipam/1","allocations":[${[
  `{"networkName":"aws-cni","containerID":"${C.samplePod}","ifName":"eth0","ipv4":"192.168.38.17","allocationTimestamp":1736934812345678901,"metadata":{"k8sPodNamespace":"default","k8sPodName":"sample-pod","interfacesCount":1}}`,
  `{"networkName":"aws-cni","containerID":"${C.coredns}","ifName":"eth0","ipv4":"192.168.45.211","allocationTimestamp":1736934790000000007,"metadata":{"k8sPodNamespace":"kube-system","k8sPodName":"coredns-57ff979f67-qqbdh","interfacesCount":1}}`,
  `{"networkName":"_migrated-from-cri","containerID":"${C.migrated}","ifName":"unknown","ipv4":"192.168.51.4","allocationTimestamp":1647904840550836685,"metadata":{"k8sPodNamespace":"kube-system","k8sPodName":"aws-load-balancer-controller-588487d8fc-fcn4m"}}`,
  `{"networkName":"aws-cni","containerID":"${C.noMetadata}","ifName":"eth0","ipv4":"192.168.60.99","allocationTimestamp":1640995200000000000,"metadata":{}}`,
  `{"networkName":"aws-cni","containerID":"${C.deletedPod}","ifName":"eth0","ipv4":"192.168.33.5","allocationTimestamp":1736934900111222333,"metadata":{"k8sPodNamespace":"default","k8sPodName":"batch-job-x7k2p","interfacesCount":1}}`,
  `{"networkName":"aws-cni","containerID":"${C.oldSubnet}","ifName":"eth0","ipv4":"10.99.0.7","allocationTimestamp":1736934700000000000,"metadata":{"k8sPodNamespace":"default","k8sPodName":"left-behind","interfacesCount":1}}`,
].join(',')}]}\n`;

/** The node's ENIs and blocks when vpcnet starts on it (as IMDS and EC2 describe them). */
export const UPSTREAM_NODE = {
  primary: { eniId: 'eni-0f1e2d3c4b5a69788', blocks: ['192.168.38.17/32', '192.168.45.211/32', '192.168.33.5/32', '192.168.40.2/32'] },
  secondary: { eniId: 'eni-0a9b8c7d6e5f40312', blocks: ['192.168.51.4/32', '192.168.60.99/32', '192.168.52.8/32'] },
} as const;

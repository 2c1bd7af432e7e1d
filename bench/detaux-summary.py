#!/usr/bin/env python3
import json,glob,statistics as st,sys
# Summarise Detaux reports (dive train --model detaux --json) saved as FOLDER/principal-S.json and FOLDER/onefactor-S.json.
# Usage: python3 bench/detaux-summary.py docs/results/detaux-convergence
folder = sys.argv[1] if len(sys.argv) > 1 else 'docs/results/detaux-convergence'
def ms(v): return '%.3f ± %.3f'%(st.mean(v), st.stdev(v) if len(v)>1 else 0)
out=[]
for mode in ['principal','onefactor']:
  rs=[json.load(open(f)) for f in sorted(glob.glob(f'{folder}/{mode}-*.json')) if open(f).read().strip()]
  if not rs: continue
  n=len(rs)
  conv=sum(r['stage1']['convergence']['converged'] for r in rs)
  ep=[r['stage1']['convergence']['epochs'] for r in rs]
  nmi={k:ms([r['stage2']['nmi'][k] for r in rs]) for k in rs[0]['stage2']['nmi']}
  best=[max(r['stage2']['nmi'].values()) for r in rs]
  arms={a:(ms([r['stage3']['arms'][a]['iid']['accuracy']['mean'] for r in rs]), ms([r['stage3']['arms'][a]['ood']['accuracy']['mean'] for r in rs]), sum(r['stage3']['arms'][a]['converged'] for r in rs), sum(len(r['stage3']['arms'][a]['epochs']) for r in rs)) for a in rs[0]['stage3']['arms']}
  d=rs[0]['disentanglement']['iid']
  dis={'MIG':ms([r['disentanglement']['iid']['mig'] for r in rs]),'DCI-D':ms([r['disentanglement']['iid']['dci']['disentanglement'] for r in rs]),'SAP':ms([r['disentanglement']['iid']['sap'] for r in rs]),'MCC':ms([r['disentanglement']['iid']['mcc']['pearson'] for r in rs])}
  rec=ms([r['stage1']['reconstructionMse']['test'] for r in rs])
  secs=ms([r['seconds'] for r in rs])
  print(f'## {mode}: {n} pipeline seeds; stage 1 converged {conv}/{n}, epochs {ep}; recon ID {rec}; seconds {secs}')
  print('NMI per factor:', nmi, 'max NMI per seed:', [round(b,3) for b in best])
  print('disentanglement (iid):', dis)
  for a,(i,o,c,t) in arms.items(): print(f'  {a}: ID {i}  OOD {o}  converged {c}/{t}')

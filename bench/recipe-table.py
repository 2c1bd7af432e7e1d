#!/usr/bin/env python3
"""Summarise bench/recipe-grid.sh JSON lines as the Markdown table of docs/design.md ("Training recipe")."""
import json,sys,os,collections,statistics as st
rows=[json.loads(l) for f in sys.argv[1:] if os.path.exists(f) for l in open(f) if l.strip()]
g=collections.OrderedDict()
for r in rows:
  k=(r['data'],r['model'],r['name'])
  if any(x['seed']==r['seed'] for x in g.get(k,[])): continue
  g.setdefault(k,[]).append(r)
names={'base':'none / constant','plateau':'none / plateau','base-plateau':'none / plateau','p-warm300':'none / plateau + 300-step warm-up','revin':'affine / constant','revin+plateau':'affine / plateau','revin-plateau':'affine / plateau','rp-warm300':'affine / plateau + 300-step warm-up','base-lr3e-4':'none / constant, lr 3e-4','revin-lr3e-4':'affine / constant, lr 3e-4','revin-lr1e-4':'affine / constant, lr 1e-4','rp-lr3e-4':'affine / plateau, lr 3e-4','rp-lr1e-4':'affine / plateau, lr 1e-4','revin-wd':'affine / constant, weight decay 0.05','revin-cmlp':'affine / constant, channel-mlp trunk','rp-lr3e-4-cmlp':'affine / plateau, lr 3e-4, channel-mlp trunk','rp-mb50':'affine / plateau, 50-batch epochs','mb50':'none / plateau, 50-batch epochs','mb50-p15':'none / plateau, 50-batch epochs, patience 15','defaults':'none / plateau (the defaults)','revin-plateau-dflt':'affine / plateau','valEvery0':'none / plateau, validation at epoch ends only','valEvery50':'none / plateau + validation every 50 batches (the defaults now)'}
print('| data | model | RevIN / schedule | seeds | val MSE (scaled) | val / untrained | selected epochs | test RRSE |')
print('|---|---|---|---:|---:|---:|---|---:|')
for k,v in sorted(g.items(), key=lambda kv:(kv[0][0],kv[0][1],kv[0][2]!='base',kv[0][2])):
  print('| %s | %s | %s | %d | %.4f | %.3f | %s | %.4f |' % (k[0],k[1],names.get(k[2],k[2]),len(v),st.mean(x['val'] for x in v),st.mean(x['val']/x['init'] for x in v),', '.join(str(x['best']) for x in v),st.mean(x['rrse'] for x in v)))

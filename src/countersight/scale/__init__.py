"""Scale-out: distributed ingest on Dask (optional extra ``countersight[dask]``)."""

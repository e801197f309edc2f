"""Start page (placeholder until the app issue): what is in the sample store, read through toolkit."""

import os
from pathlib import Path

import streamlit as st

from toolkit import store

st.title("gigdata")
st.write(
    "gigdata reads the personal-data export a platform sent you and shows what its algorithm did with "
    "your time and pay. Your data stays on this computer."
)
sample_store = os.environ.get("GIGDATA_SAMPLE_STORE")
if sample_store:
    st.subheader("Sample data loaded")
    st.dataframe(store.table_counts(Path(sample_store)), hide_index=True)
else:
    st.info("Run `make app` to open the app on the bundled sample exports.")

"""gigdata app: the router and the shared sidebar, nothing else (pages live in pages/, logic in toolkit/)."""

import streamlit as st

st.set_page_config(page_title="gigdata", layout="wide")

pages = [st.Page("pages/start.py", title="Start", default=True)]
st.navigation(pages).run()

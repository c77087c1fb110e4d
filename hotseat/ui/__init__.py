"""Testable helpers behind the Streamlit pages: formatting, charts data, exports, debrief."""

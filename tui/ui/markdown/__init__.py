"""The answer pane's Markdown: blocks rendered once into rows, the growing block shown live."""

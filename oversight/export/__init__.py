"""Per-chart downloads and the briefing's pictures, one job a module.

- ``rendering``: the process's image server (kaleido's Chromium, ``image_server``'s tabs) and a figure as PNG/SVG;
- ``card_downloads``: a chart card's picture (16:9, with its subtitle) and its four downloads;
- ``document_layout``: a chart's picture for the briefing's documents, at the size it is placed;
- ``marked_figure``: the marking and watermark drawn on either picture (``marking`` says what they are);
- ``figure_margin``: a figure's margin as Plotly lays it out, which the three above measure their room by;
- ``data_files`` (CSV/Excel), ``names`` (file names, the subtitle, the modebar's options).
"""

"""The data contract in code: the tables, their columns, types, codes and labels (README "数据约定")."""

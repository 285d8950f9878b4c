"""The workbook engine: reading workbooks (.xlsx, a folder or .zip of .csv) within limits, parsing cells as
people type them, sheets declared by the apps that own them, errors as codes shown in either language, one
run that checks everything before it writes anything, and the writers. It imports no domain app."""

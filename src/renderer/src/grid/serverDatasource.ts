// An AG Grid infinite-row-model datasource whose pages, sorting and filtering are answered by the backend
// (SQLite), so a grid over 100,000+ rows only ever holds the blocks on screen.
import type { IDatasource, IGetRowsParams, SortModelItem } from 'ag-grid-community';

export interface Page<Row> {
  rows: Row[];
  totalRows: number;
}

export function serverDatasource<Row>(
  fetchPage: (startRow: number, endRow: number, sortModel: SortModelItem[]) => Promise<Page<Row>>,
  onError: (err: unknown) => void,
  onLoaded?: (page: Page<Row>, startRow: number) => void,
): IDatasource {
  return {
    getRows(params: IGetRowsParams) {
      fetchPage(params.startRow, params.endRow, params.sortModel)
        .then((page) => {
          params.successCallback(page.rows, page.totalRows);
          onLoaded?.(page, params.startRow);
        })
        .catch((err: unknown) => {
          params.failCallback();
          onError(err);
        });
    },
  };
}

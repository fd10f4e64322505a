import { notifications } from '@mantine/notifications';

import { errorMessage } from '../api/client';

export function notifySuccess(message: string) {
  notifications.show({ color: 'green', title: 'Done', message, autoClose: 4000 });
}

export function notifyError(error: unknown, title = 'That did not work') {
  notifications.show({ color: 'red', title, message: errorMessage(error), autoClose: 8000 });
}
